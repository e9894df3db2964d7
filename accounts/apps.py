"""App config for accounts: users, workspaces (tenants), memberships and roles."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in, user_logged_out

        from . import session_tracking
        from .login_devices import mark_login

        user_logged_in.connect(mark_login, dispatch_uid="accounts.login_devices")
        # Listing the account's sessions needs a row per browser session: see accounts/session_tracking.py.
        user_logged_in.connect(session_tracking.on_logged_in, dispatch_uid="accounts.session_tracking.in")
        user_logged_out.connect(session_tracking.on_logged_out, dispatch_uid="accounts.session_tracking.out")
