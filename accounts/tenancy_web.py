"""Tenancy for pages: login, workspace and role checks for class and function views (see tenancy.py)."""
from functools import wraps

from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from .permissions import can
from .tenancy import bind_workspace, membership_for


def _require(request, permission):
    membership = membership_for(request.user)
    if membership is None:
        raise PermissionDenied("This account does not belong to a workspace. Operators use the admin.")
    bind_workspace(request, request.user)
    if permission and not can(membership, permission):
        raise PermissionDenied("Your role does not allow this. Ask the workspace owner.")
    return membership


class WorkspaceMixin(LoginRequiredMixin):
    """Class-based page views: login, workspace, role check, and a queryset scoped to the workspace."""

    permission_required = "dashboard:view"
    model = None

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        _require(request, self.get_permission_required())
        return super().dispatch(request, *args, **kwargs)

    def get_permission_required(self):
        return self.permission_required

    def get_queryset(self):
        return self.model.objects.for_workspace(self.request.workspace)


def workspace_view(permission):
    """Decorator for function page views: login, workspace and role, in that order."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            _require(request, permission)
            return view(request, *args, **kwargs)

        wrapper.sebar_permission = permission
        return wrapper

    return decorator
