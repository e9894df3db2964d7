"""Account pages: the public home, sign up, log in, log out, change password, the dashboard, workspace
settings."""
from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.forms import PasswordChangeForm
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from config.errors import UserError
from config.forms import apply_user_error

from . import services, two_factor
from .dashboard import cards, first_steps, panels
from .forms import LoginForm, SignupForm, WorkspaceSettingsForm
from .hooks import public_plans
from .language import user_language_save
from .ratelimit import RateLimited
from .tenancy_web import workspace_view
from .workspace_settings import workspace_update


def signup(request):
    if request.user.is_authenticated:
        return redirect("accounts:dashboard")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_signup(**form.cleaned_data, language=get_language())
        except UserError as exc:
            apply_user_error(form, exc)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome to Sebar! Connect your first WhatsApp number to begin."))
            return redirect("accounts:dashboard")
    return render(request, "accounts/signup.html", {"form": form})


def login_view(request):
    if request.user.is_authenticated:
        return redirect("accounts:dashboard")
    form = LoginForm(request.POST or None)
    status, retry_after = 200, None
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_login_check(request=request, **form.cleaned_data)
        except RateLimited as exc:
            form.add_error(None, exc.message)
            status, retry_after = 429, exc.retry_after
        except UserError as exc:
            form.add_error(None, exc.message)
        else:
            next_url = request.GET.get("next", "")
            if two_factor.is_enabled(user):
                # Not logged in yet: the code page logs in once the second factor is checked.
                two_factor.login_pending_begin(request, user, next_url)
                return redirect("accounts:login_code")
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            if url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
                return redirect(next_url)
            return redirect("accounts:dashboard")
    response = render(request, "accounts/login.html", {"form": form}, status=status)
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


@require_POST
def logout_view(request):
    logout(request)
    messages.info(request, _("You have been logged out."))
    return redirect("accounts:login")


@workspace_view("dashboard:view")
def password_change(request):
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()  # ends every API token and other session (User.save)
        update_session_auth_hash(request, user)  # ...but keeps this one
        messages.success(request, _("Your password has been changed. You were logged out on every other device."))
        return redirect("accounts:dashboard")
    return render(request, "accounts/password_change.html", {"form": form})


@require_POST
def logout_everywhere(request):
    if request.user.is_authenticated:
        services.logout_everywhere(request.user)
    logout(request)
    messages.info(request, _("You have been logged out on every device, and every API token was ended."))
    return redirect("accounts:login")


@workspace_view("settings:manage")
def workspace_settings(request):
    form = WorkspaceSettingsForm(request.POST or None, workspace=request.workspace)
    if request.method == "POST" and form.is_valid():
        try:
            workspace_update(workspace=request.workspace, **form.cleaned_data)
        except UserError as exc:
            apply_user_error(form, exc)
        else:
            messages.success(request, _("Workspace settings saved."))
            return redirect("accounts:settings")
    return render(request, "accounts/workspace_settings.html", {"form": form}, status=400 if form.errors else 200)


def home(request):
    """``/``: what Sebar does and its plans for a visitor; a member's dashboard once logged in."""
    if request.user.is_authenticated:
        return dashboard(request)
    return render(request, "accounts/home.html", {"plans": public_plans()})


@workspace_view("dashboard:view")
def dashboard(request):
    return render(request, "accounts/dashboard.html", {"cards": cards(request), "first_steps": first_steps(request),
                                                       "panels": panels(request)})


@require_POST
@workspace_view("dashboard:view")
def first_steps_dismiss(request):
    services.first_steps_hide(membership=request.membership)
    messages.info(request, _("The first steps are hidden. Each page still has its own help."))
    return redirect("accounts:dashboard")


def language_switch(request):
    """Django's set_language (the cookie and the redirect); a signed-in member's choice is also saved on
    them, so it survives a new session (accounts/language.py)."""
    response = set_language(request)
    if request.method == "POST" and request.user.is_authenticated:
        user_language_save(user=request.user, language=request.POST.get("language", ""))
    return response
