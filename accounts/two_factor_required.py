"""SEBAR_REQUIRE_OWNER_2FA: an owner without two-factor sign-in is sent to set it up before any other page.

The API needs no such door: its login refuses such an owner (two_factor.api_login_second_step), so no token is
issued to one.
"""
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from . import two_factor

# Pages an owner may still open: setting it up, leaving, the language, and links from e-mails.
OPEN = {"accounts:two_factor_setup", "accounts:two_factor_codes", "accounts:logout", "accounts:login_code",
        "set_language", "accounts:email_verify", "accounts:email_change_confirm", "accounts:invitation-accept"}
OPEN_NAMESPACES = {"admin", "api"}


class OwnerTwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not settings.SEBAR_REQUIRE_OWNER_2FA or not getattr(request.user, "is_authenticated", False):
            return None
        match = request.resolver_match
        if match is None or match.view_name in OPEN or (match.namespaces and match.namespaces[0] in OPEN_NAMESPACES):
            return None
        if not two_factor.required_for(request.user) or two_factor.is_enabled(request.user):
            return None
        messages.info(request, _("This server requires owners to use two-factor sign-in. Set it up to go on: it "
                                 "takes a minute with an authenticator app."))
        return redirect("accounts:two_factor_setup")
