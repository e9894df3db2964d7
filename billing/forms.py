"""Forms for the billing pages."""
from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

MONTH_CHOICES = [1, 3, 6, 12]


def month_choices():
    return [(m, ngettext("%(n)s month", "%(n)s months", m) % {"n": m})
            for m in MONTH_CHOICES if m <= settings.BILLING_MAX_MONTHS]


class ChooseForm(forms.Form):
    package_id = forms.IntegerField(widget=forms.HiddenInput)
    months = forms.TypedChoiceField(label=_("Pay for"), coerce=int, choices=month_choices, initial=1,
                                    required=False, empty_value=1)
