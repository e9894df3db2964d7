"""The operators' overview at /admin/overview/: money, invoices to confirm, WAHA servers, numbers in trouble.

Staff only (admin.site.admin_view sends anyone else to the admin login). It reads every workspace, which
is why it lives in config (allowed to import every app) and not in one of them; each figure comes from
its app's selectors in a bounded number of queries, whatever the number of workspaces.
"""
from datetime import timedelta

from django.contrib import admin
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from billing import selectors as billing
from campaigns import selectors as campaigns
from devices import selectors as devices

# "Failing numbers": at least this many failed sends within the window (a bad afternoon, not one typo).
FAILURE_WINDOW = timedelta(hours=24)
MIN_FAILURES = 5


def overview(request):
    now = timezone.now()
    failures = campaigns.platform_send_failures(since=now - FAILURE_WINDOW)
    context = {
        **admin.site.each_context(request),
        "title": _("Operator overview"),
        "revenue": billing.platform_revenue(now=now),
        "invoices": billing.platform_invoices_waiting(),
        "servers": devices.platform_servers(),
        "failing": devices.platform_failing_devices(send_failures=failures, min_failures=MIN_FAILURES),
        "min_failures": MIN_FAILURES,
        "window_hours": int(FAILURE_WINDOW.total_seconds() // 3600),
    }
    return TemplateResponse(request, "admin/overview.html", context)
