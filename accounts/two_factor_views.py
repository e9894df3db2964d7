"""Pages of two-factor sign-in: the sign-in's second step, and turning it on, off and new recovery codes in the
account's settings (accounts/two_factor.py does the work)."""
from django.contrib import messages
from django.contrib.auth import login
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from config.errors import UserError
from config.forms import apply_user_error

from . import two_factor
from .forms import TwoFactorCodeForm
from .ratelimit import RateLimited
from .tenancy_web import workspace_view

SETUP_SESSION_KEY = "sebar_2fa_setup"
NEW_CODES_KEY = "sebar_2fa_new_codes"


def _answer(request, template, context, exc=None):
    # A page with a form error is a 400 (a rate limit a 429), as the other forms' pages answer.
    status = 429 if isinstance(exc, RateLimited) else 400 if context["form"].errors else 200
    response = render(request, template, context, status=status)
    if isinstance(exc, RateLimited):
        response["Retry-After"] = str(exc.retry_after)
    return response


def login_code(request):
    """The sign-in's second step: the password was right in this browser a few minutes ago; the code logs in."""
    if request.user.is_authenticated:
        return redirect("accounts:dashboard")
    user = two_factor.login_pending_user(request)
    if user is None:
        two_factor.login_pending_end(request)
        messages.info(request, _("Log in with your email and password first."))
        return redirect("accounts:login")
    form = TwoFactorCodeForm(request.POST or None)
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            two_factor.code_check(user=user, code=form.cleaned_data["code"], request=request)
        except UserError as exc:
            apply_user_error(form, exc)
            error = exc
        else:
            next_url = two_factor.login_pending_next(request)
            two_factor.login_pending_end(request)
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            left = two_factor.recovery_codes_left(user)
            if left <= 3:
                messages.warning(request, _("You have %(left)s recovery codes left. Make new ones in Two-factor "
                                            "sign-in.") % {"left": left})
            if url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
                return redirect(next_url)
            return redirect("accounts:dashboard")
    return _answer(request, "accounts/login_code.html", {"form": form, "email": user.email}, error)


@workspace_view("dashboard:view")
def two_factor_page(request):
    """Account → Two-factor sign-in: whether it is on, and the forms to turn it off or make new recovery codes."""
    device = two_factor.device_for(request.user)
    disable_form, regenerate_form = TwoFactorCodeForm(auto_id="disable_%s"), TwoFactorCodeForm(
        recovery=False, auto_id="regen_%s")
    for form in (disable_form, regenerate_form):  # two forms on one page: neither takes the focus
        form.fields["code"].widget.attrs.pop("autofocus", None)
    return render(request, "accounts/two_factor.html", {
        "device": device, "required": two_factor.required_for(request.user),
        "codes_left": two_factor.recovery_codes_left(request.user) if device else 0,
        "disable_form": disable_form, "regenerate_form": regenerate_form})


@workspace_view("dashboard:view")
def two_factor_setup(request):
    """Scan the QR code, type the first code: on. The secret waits in the session until the code matches it."""
    if two_factor.is_enabled(request.user):
        return redirect("accounts:two_factor")
    secret = request.session.get(SETUP_SESSION_KEY)
    if not secret:
        secret = request.session[SETUP_SESSION_KEY] = two_factor.secret_new()
    form = TwoFactorCodeForm(request.POST or None, recovery=False)
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            codes = two_factor.two_factor_enable(user=request.user, secret=secret, code=form.cleaned_data["code"])
        except UserError as exc:
            apply_user_error(form, exc)
            error = exc
        else:
            request.session.pop(SETUP_SESSION_KEY, None)
            request.session[NEW_CODES_KEY] = codes
            messages.success(request, _("Two-factor sign-in is on. Each sign-in now asks for a code from your app."))
            return redirect("accounts:two_factor_codes")
    uri, qr = two_factor.setup_qr(request.user, secret)
    return _answer(request, "accounts/two_factor_setup.html", {
        "form": form, "qr": qr, "uri": uri, "secret": two_factor.secret_grouped(secret),
        "required": two_factor.required_for(request.user)}, error)


@workspace_view("dashboard:view")
def two_factor_codes(request):
    """New recovery codes, shown once: they leave the session as this page is drawn."""
    codes = request.session.pop(NEW_CODES_KEY, None)
    if not codes:
        return redirect("accounts:two_factor")
    return render(request, "accounts/two_factor_codes.html", {"codes": codes})


@require_POST
@workspace_view("dashboard:view")
def two_factor_disable(request):
    form = TwoFactorCodeForm(request.POST, auto_id="disable_%s")
    if form.is_valid():
        try:
            two_factor.two_factor_disable(user=request.user, code=form.cleaned_data["code"])
        except UserError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Two-factor sign-in is off. Signing in asks only for your password."))
    else:
        messages.error(request, _("Type a code to turn two-factor sign-in off."))
    return redirect("accounts:two_factor")


@require_POST
@workspace_view("dashboard:view")
def two_factor_regenerate(request):
    form = TwoFactorCodeForm(request.POST, recovery=False, auto_id="regen_%s")
    if form.is_valid():
        try:
            codes = two_factor.recovery_codes_regenerate(user=request.user, code=form.cleaned_data["code"])
        except UserError as exc:
            messages.error(request, exc.message)
        else:
            request.session[NEW_CODES_KEY] = codes
            messages.success(request, _("New recovery codes are ready; the old ones no longer work."))
            return redirect("accounts:two_factor_codes")
    else:
        messages.error(request, _("Type the code your app shows to make new recovery codes."))
    return redirect("accounts:two_factor")
