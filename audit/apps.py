"""App config for audit: connects the sign-in signals and accounts' sensitive_action (see audit/__init__.py)."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("Audit log")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in, user_login_failed

        from accounts.hooks import sensitive_action

        from . import receivers

        user_logged_in.connect(receivers.login_succeeded, dispatch_uid="audit.login")
        user_login_failed.connect(receivers.login_failed, dispatch_uid="audit.login_failed")
        sensitive_action.connect(receivers.sensitive_action, dispatch_uid="audit.sensitive_action")
