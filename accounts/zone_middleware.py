"""Pages and exports show times in the workspace's own zone: forms read wall-clock times in it, so
showing them in the server's UTC made a 09:00 broadcast read back as 02:00."""
from django.utils import timezone


def activate_workspace_zone(workspace):
    if workspace is None:
        timezone.deactivate()
    else:
        timezone.activate(workspace.zone)


class WorkspaceZoneMiddleware:
    """After WorkspaceMiddleware: needs request.workspace."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        activate_workspace_zone(getattr(request, "workspace", None))
        try:
            return self.get_response(request)
        finally:
            # Threads are reused across requests (and workspaces): never leak one tenant's zone.
            timezone.deactivate()
