"""Forms for the team page and the invitation accept page."""
from django import forms
from django.utils.translation import gettext_lazy as _


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("Email of the agent"), widget=forms.EmailInput(
        attrs={"placeholder": "agent@example.com", "autocomplete": "off"}))


class InvitationSignupForm(forms.Form):
    full_name = forms.CharField(label=_("Your name"), max_length=150)
    password = forms.CharField(label=_("Choose a password"), widget=forms.PasswordInput, min_length=8,
                               help_text=_("At least 8 characters, not only numbers."))
