"""The settings page's form for a new API key."""
from datetime import datetime, time, timedelta

from django import forms
from django.utils.translation import gettext_lazy as _

from .keys import SCOPES
from .webhooks import EVENTS


class ApiKeyForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=80,
                           help_text=_("What the key is for, e.g. “Order system” or “n8n”."))
    scopes = forms.MultipleChoiceField(label=_("Scopes"), choices=list(SCOPES.items()),
                                       widget=forms.CheckboxSelectMultiple,
                                       help_text=_("Give each system only what it needs."))
    expires_on = forms.DateField(label=_("Expires on"), required=False,
                                 widget=forms.DateInput(attrs={"type": "date"}),
                                 help_text=_("Optional: the key stops working at the end of this day. "
                                             "Empty: until you revoke it."))
    transactional = forms.BooleanField(
        label=_("Transactional (orders, codes)"), required=False,
        help_text=_("Its messages skip quiet hours and the per-contact limit and still reach numbers that opted "
                    "out. Only for messages a customer expects, never for promotions."))

    def __init__(self, *args, workspace, **kwargs):
        self.workspace = workspace
        super().__init__(*args, **kwargs)

    def expires_at(self):
        day = self.cleaned_data.get("expires_on")
        if day is None:
            return None
        # The end of the day in the workspace's zone, as the shop reads its dates.
        return datetime.combine(day + timedelta(days=1), time.min, tzinfo=self.workspace.zone)


class WebhookForm(forms.Form):
    url = forms.URLField(label=_("URL"), max_length=500, assume_scheme="https",
                         help_text=_("Your system's address that receives the events, "
                                     "e.g. https://shop.example/hooks/sebar."))
    description = forms.CharField(label=_("Description"), max_length=120, required=False)
    events = forms.MultipleChoiceField(label=_("Events"), widget=forms.CheckboxSelectMultiple,
                                       help_text=_("Sebar sends only these."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["events"].choices = [(code, f"{code}: {words}") for code, words in EVENTS.items()
                                         if code != "webhook.test"]
