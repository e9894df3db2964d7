"""Forms of the devices pages."""
from django import forms
from django.utils.translation import gettext_lazy as _


class DeviceAddForm(forms.Form):
    label = forms.CharField(label=_("Name this number"), max_length=80,
                            help_text=_("Only you see it, e.g. “Sales” or “CS 1”."),
                            widget=forms.TextInput(attrs={"autofocus": True}))


class PairingCodeForm(forms.Form):
    phone = forms.CharField(label=_("Phone number to link"), max_length=32,
                            help_text=_("With country code, e.g. +62 812 3456 7890."),
                            widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}))


class SimulateInboundForm(forms.Form):
    text = forms.CharField(label=_("Message from the customer"), max_length=500,
                           initial=_("Hi, is this still available?"))


class SandboxSignalForm(forms.Form):
    """Sandbox: what WhatsApp does to this number next (the emulator plays it)."""

    signal = forms.ChoiceField(label=_("Make WhatsApp…"), choices=[
        ("first_warning", _("warn: capping first warning")),
        ("second_warning", _("warn again: capping second warning")),
        ("capped", _("cap new chats for this cycle")),
        ("capping_none", _("lift the capping")),
        ("timelock", _("set a reach-out timelock for an hour (463)")),
        ("timelock_off", _("end the timelock")),
        ("rate_overlimit", _("answer rate-overlimit to the next 3 calls")),
        ("flap", _("drop the session 3 times")),
        ("unknown", _("say nothing about limits (an older WAHA)")),
    ])
