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
