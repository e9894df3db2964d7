"""Forms for the account pages."""
from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import services
from .ratelimit import RateLimited


class SignupForm(forms.Form):
    full_name = forms.CharField(label=_("Your name"), max_length=150)
    workspace_name = forms.CharField(label=_("Business name"), max_length=120)
    email = forms.EmailField(label=_("Email"))
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput, min_length=8,
                               help_text=_("At least 8 characters, not only numbers."))


class LoginForm(forms.Form):
    email = forms.EmailField(label=_("Email"))
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput)


class StaffLoginForm(AdminAuthenticationForm):
    """The operators' /admin/login/, behind the same login limiter as the app (staff see every tenant)."""

    def clean(self):
        email = self.cleaned_data.get("username")
        if email is not None and self.cleaned_data.get("password"):
            try:
                services.login_throttle(self.request, email)
            except RateLimited as exc:
                raise ValidationError(exc.message, code="rate_limited")
            try:
                return super().clean()
            except ValidationError:
                services.login_failed(self.request, email)
                raise
        return super().clean()
