"""Tenant isolation, by one mechanism: every tenant-owned query goes through this module.

- `WorkspaceOwned`: abstract model with a non-null workspace and `objects.for_workspace(ws)`.
- `WorkspaceMiddleware`: sets `request.workspace` / `request.membership` for session-authenticated pages.
- `WorkspaceMixin` (class views), `workspace_view` + `get_for_workspace_or_404` (function views).
- `WorkspaceAPIMixin` / `WorkspaceViewSet` for DRF: they set the workspace in `initial()` because DRF
  authenticates the JWT after middleware has run, and `get_queryset()` is the only place that filters.
- `WorkspaceRelatedField`: ids in API input resolve only inside the caller's workspace.

Another workspace's object is always a 404, never a 403 that would confirm it exists.

The page pieces live in `tenancy_web.py` and the API pieces in `tenancy_api.py` (each imported from there,
one path per name): they need Django's auth views and DRF, which models must not load.
"""
from django.apps import apps
from django.db import models
from django.shortcuts import get_object_or_404


class WorkspaceQuerySet(models.QuerySet):
    def for_workspace(self, workspace):
        # SECURITY: a missing workspace must mean "nothing", never "everything".
        if workspace is None:
            return self.none()
        return self.filter(workspace=workspace)


class WorkspaceOwned(models.Model):
    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")

    objects = WorkspaceQuerySet.as_manager()

    class Meta:
        abstract = True


def membership_for(user):
    if not getattr(user, "is_authenticated", False):
        return None
    cached = getattr(user, "_sebar_membership", False)
    if cached is not False:
        return cached
    # Looked up in the app registry: accounts.models imports this module (WorkspaceOwned) at its top.
    membership = apps.get_model("accounts", "Membership").objects.select_related("workspace").filter(user=user).first()
    user._sebar_membership = membership
    return membership


def bind_workspace(request, user):
    """Attach the user's membership and workspace to the request (pages and API alike)."""
    membership = membership_for(user)
    request.membership = membership
    request.workspace = membership.workspace if membership else None
    return membership


class WorkspaceMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Eager on purpose: a lazy proxy around None is truthy-safe but `is None`-unsafe.
        bind_workspace(request, request.user)
        return self.get_response(request)


def get_for_workspace_or_404(request_or_workspace, model_or_queryset, **lookup):
    workspace = getattr(request_or_workspace, "workspace", request_or_workspace)
    if isinstance(model_or_queryset, models.QuerySet):
        queryset = model_or_queryset.model.objects.for_workspace(workspace) & model_or_queryset
    else:
        queryset = model_or_queryset.objects.for_workspace(workspace)
    return get_object_or_404(queryset, **lookup)
