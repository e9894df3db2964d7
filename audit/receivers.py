"""What audit does with the signals accounts sends (connected in AuditConfig.ready(); see audit/__init__.py)."""
from django.contrib.auth import get_user_model

from accounts.tenancy import membership_for

from .services import audit_record


def _workspace_of(user):
    membership = membership_for(user) if user is not None else None
    return membership.workspace if membership else None


def login_succeeded(sender, request, user, **kwargs):
    """Django's user_logged_in: a session sign-in (the app's and the operators' admin)."""
    audit_record(action="auth.login", workspace=_workspace_of(user), actor=user, request=request,
                 target=user.email)


def login_failed(sender, credentials, request=None, **kwargs):
    """Django's user_login_failed (every form that calls authenticate(), the API's login included).

    The entry goes to the account's workspace when the address has one, so its owner sees guesses at it; the
    page the guesser gets is the same either way (it is written before and apart from this)."""
    email = str(credentials.get("email") or credentials.get("username") or "").strip().lower()
    user = get_user_model().objects.filter(email__iexact=email).first() if email else None
    audit_record(action="auth.login_failed", workspace=_workspace_of(user), actor=None, request=request,
                 target=email)


def sensitive_action(sender, action, **kwargs):
    """accounts.hooks.sensitive_action: the team's writes and the API's token login."""
    kwargs.pop("signal", None)
    if "workspace" not in kwargs:
        kwargs["workspace"] = _workspace_of(kwargs.get("actor"))
    audit_record(action=action, **kwargs)
