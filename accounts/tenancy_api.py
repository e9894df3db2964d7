"""Tenancy for the API: DRF base views whose get_queryset() is the only workspace filter (see tenancy.py)."""
from django.utils.translation import gettext_lazy
from rest_framework import permissions as drf_permissions
from rest_framework import serializers, viewsets
from rest_framework.views import APIView

from .permissions import can
from .tenancy import bind_workspace
from .zone_middleware import activate_workspace_zone


class HasWorkspacePermission(drf_permissions.BasePermission):
    """Read / write / delete permissions declared on the view; custom actions may name their own."""

    message = gettext_lazy("Your role does not allow this. Ask the workspace owner.")

    def has_permission(self, request, view):
        membership = getattr(request, "membership", None)
        if membership is None:
            return False
        return can(membership, view.permission_for(request))


class WorkspaceAPIMixin:
    permission_read = "dashboard:view"
    permission_write = None
    permission_delete = None
    # {"action_or_method": "area:perm"} for anything that does not fit read/write/delete
    permission_actions = {}
    permission_classes = [drf_permissions.IsAuthenticated, HasWorkspacePermission]

    def initial(self, request, *args, **kwargs):
        # DRF authenticates lazily; force it, then bind the workspace before permission checks run.
        self.perform_authentication(request)
        bind_workspace(request, request.user)
        request._request.workspace = request.workspace
        request._request.membership = request.membership
        # API times carry the workspace's offset (+07:00), as pages show them; the middleware ran before
        # the token was read, so it could not know the workspace.
        activate_workspace_zone(request.workspace)
        super().initial(request, *args, **kwargs)

    def permission_for(self, request):
        action = getattr(self, "action", None)
        if action and action in self.permission_actions:
            return self.permission_actions[action]
        if request.method in self.permission_actions:
            return self.permission_actions[request.method]
        if request.method in drf_permissions.SAFE_METHODS:
            return self.permission_read
        if request.method == "DELETE":
            return self.permission_delete or self.permission_write or self.permission_read
        return self.permission_write or self.permission_read

    @property
    def workspace(self):
        return self.request.workspace


class WorkspaceAPIView(WorkspaceAPIMixin, APIView):
    """A plain API view bound to the caller's workspace."""


class WorkspaceViewSet(WorkspaceAPIMixin, viewsets.ModelViewSet):
    """The only place API querysets are filtered by workspace; creation stamps the workspace."""

    model = None

    def get_queryset(self):
        model = self.model or self.queryset.model
        return model.objects.for_workspace(self.request.workspace)

    def perform_create(self, serializer):
        serializer.save(workspace=self.request.workspace)


class WorkspaceRelatedField(serializers.PrimaryKeyRelatedField):
    """A related id that resolves only inside the request's workspace (others are 'does not exist')."""

    def __init__(self, model=None, **kwargs):
        self.scoped_model = model
        if not kwargs.get("read_only"):
            kwargs.setdefault("queryset", model.objects.none() if model else None)
        super().__init__(**kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        workspace = getattr(request, "workspace", None)
        return self.scoped_model.objects.for_workspace(workspace)
