"""Pages for the account's e-mail: forgotten password (ask for a link, set a new password), confirming the
address, changing it."""
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from config.errors import UserError
from config.forms import apply_user_error

from . import email_address, password_reset
from .forms import EmailChangeForm
from .ratelimit import RateLimited
from .services import client_ip
from .tenancy_web import workspace_view


def password_reset_request(request):
    """"Forgot password?": the same redirect and page for every address, known or not."""
    form = PasswordResetForm(request.POST or None)
    status, retry_after = 200, None
    if request.method == "POST" and form.is_valid():
        try:
            password_reset.password_reset_request(email=form.cleaned_data["email"], ip=client_ip(request))
        except RateLimited as exc:
            form.add_error(None, exc.message)
            status, retry_after = 429, exc.retry_after
        except UserError as exc:  # the queue is down: the same for every address
            form.add_error(None, exc.message)
            status = exc.status_code
        else:
            return redirect("accounts:password_reset_done")
    response = render(request, "accounts/password_reset.html", {"form": form}, status=status)
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


def password_reset_done(request):
    return render(request, "accounts/password_reset_done.html",
                  {"timeout_minutes": settings.PASSWORD_RESET_TIMEOUT // 60})


class PasswordResetConfirm(auth_views.PasswordResetConfirmView):
    """Django's view (the token moves from the URL into the session before the form shows, so it leaks into no
    Referer), with Sebar's page; saving the new password ends every session and API token (User.save), so the
    person logs in again with it."""

    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:login")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Your password was changed and you were logged out on every device. Log "
                                         "in with the new password."))
        return response


def email_verify(request, token):
    try:
        email_address.email_verify(token=token)
    except UserError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Thank you: your e-mail address is confirmed."))
    return redirect("accounts:dashboard" if request.user.is_authenticated else "accounts:login")


@require_POST
@workspace_view("dashboard:view")
def email_verify_resend(request):
    try:
        email_address.verification_resend(user=request.user)
    except UserError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("We sent a new link to %(email)s. It may take a minute to arrive.")
                         % {"email": request.user.email})
    next_url = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        return redirect(next_url)
    return redirect("accounts:dashboard")


@workspace_view("dashboard:view")
def email_change(request):
    form = EmailChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            new_email = email_address.email_change_request(user=request.user, **form.cleaned_data)
        except UserError as exc:
            apply_user_error(form, exc)
        else:
            messages.success(request, _("We sent a link to %(email)s. Your address changes when you open it; until "
                                        "then you log in with %(current)s.")
                             % {"email": new_email, "current": request.user.email})
            return redirect("accounts:email_change")
    return render(request, "accounts/email_change.html", {"form": form}, status=400 if form.errors else 200)


def email_change_confirm(request, token):
    try:
        user = email_address.email_change_confirm(token=token)
    except UserError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Your e-mail address is now %(email)s. Log in with it from now on.")
                         % {"email": user.email})
    return redirect("accounts:dashboard" if request.user.is_authenticated else "accounts:login")
