"""The settings page's form for a new API key."""
from datetime import datetime, time, timedelta

from django import forms
from django.utils.translation import gettext_lazy as _

from .keys import SCOPES


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

    def __init__(self, *args, workspace, **kwargs):
        self.workspace = workspace
        super().__init__(*args, **kwargs)

    def expires_at(self):
        day = self.cleaned_data.get("expires_on")
        if day is None:
            return None
        # The end of the day in the workspace's zone, as the shop reads its dates.
        return datetime.combine(day + timedelta(days=1), time.min, tzinfo=self.workspace.zone)
