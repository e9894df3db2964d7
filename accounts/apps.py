"""App config for accounts: users, workspaces (tenants), memberships and roles."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from .login_devices import mark_login

        user_logged_in.connect(mark_login, dispatch_uid="accounts.login_devices")
