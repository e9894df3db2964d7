"""The owner's audit log page (Settings → Audit log): newest first, a page at a time, filtered by action."""
from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.tenancy_web import workspace_view

from .actions import ACTIONS
from .models import AuditEntry

PER_PAGE = 50


@workspace_view("audit:view")
@require_GET
def audit_log(request):
    action = request.GET.get("action", "")
    entries = AuditEntry.objects.for_workspace(request.workspace).select_related("actor")
    if action in ACTIONS:
        entries = entries.filter(action=action)
    else:
        action = ""
    page = Paginator(entries.order_by("-created_at", "-pk"), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "audit/log.html", {"page": page, "action": action, "actions": ACTIONS.items()})
