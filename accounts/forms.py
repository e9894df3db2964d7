"""Forms for the account pages."""
from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import services
from .ratelimit import RateLimited
from .workspace_settings import language_choices, region_choices, time_zone_choices


class SignupForm(forms.Form):
    full_name = forms.CharField(label=_("Your name"), max_length=150)
    workspace_name = forms.CharField(label=_("Business name"), max_length=120)
    email = forms.EmailField(label=_("Email"))
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput, min_length=8,
                               help_text=_("At least 8 characters, not only numbers."))


class LoginForm(forms.Form):
    email = forms.EmailField(label=_("Email"))
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput)


class EmailChangeForm(forms.Form):
    new_email = forms.EmailField(label=_("New email address"))
    password = forms.CharField(label=_("Current password"), widget=forms.PasswordInput,
                               help_text=_("We ask for it so nobody at an unlocked computer can take your account."))


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


class WorkspaceSettingsForm(forms.Form):
    """The owner's settings page; the choices come from accounts/workspace_settings.py, as the API's."""

    name = forms.CharField(label=_("Business name"), max_length=120,
                           help_text=_("Shown in the menu and on your invoices."))
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        help_text=_("Broadcast start times, quiet hours, daily limits and every time on the pages use it."))
    default_region = forms.ChoiceField(
        label=_("Default phone region"),
        help_text=_("Numbers written without a country code, such as 0812 3456 7890, are read as numbers of this "
                    "country."))
    language = forms.ChoiceField(
        label=_("Language for your customers"),
        help_text=_("Sebar's own messages to your customers (such as the opt-out confirmation) and the tags and "
                    "sources it makes are in this language. Each member picks the language of the pages at the "
                    "top of the screen."))

    def __init__(self, *args, workspace, **kwargs):
        kwargs.setdefault("initial", {"name": workspace.name, "time_zone": workspace.time_zone,
                                      "default_region": workspace.default_region, "language": workspace.language})
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].choices = time_zone_choices(current=workspace.time_zone)
        self.fields["default_region"].choices = region_choices()
        self.fields["language"].choices = language_choices()


class TwoFactorCodeForm(forms.Form):
    """One code: the authenticator app's 6 digits or, where `recovery` allows it, a recovery code."""

    code = forms.CharField(label=_("Code"), max_length=32, strip=True)

    def __init__(self, *args, recovery=True, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["code"]
        field.widget.attrs.update({"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false",
                                   "autocapitalize": "off"})
        if recovery:
            field.help_text = _("The 6 digits your authenticator app shows for Sebar. Lost the phone? Type one of "
                                "your recovery codes instead.")
        else:
            field.widget.attrs["inputmode"] = "numeric"
            field.help_text = _("The 6 digits your authenticator app shows for Sebar now.")
