"""The owner's webhooks page (Settings → Webhooks): endpoints, a form for a new one (its signing secret shown
once), switching one off or on, a test event, and each endpoint's delivery log with "send again"; and the
Developers page (Settings → Developers) that puts the API, the keys, the endpoints and examples together."""
from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.tenancy import get_for_workspace_or_404
from accounts.tenancy_web import workspace_view
from config.errors import UserError
from config.forms import apply_user_error

from . import webhooks
from .forms import WebhookForm
from .models import ApiKey, WebhookDelivery, WebhookEndpoint

LOG_ROWS = 50


@workspace_view("settings:manage")
def webhooks_page(request):
    form = WebhookForm(request.POST or None)
    created = None
    if request.method == "POST" and form.is_valid():
        try:
            created = webhooks.endpoint_create(workspace=request.workspace, actor=request.user, **form.cleaned_data)
        except UserError as exc:
            apply_user_error(form, exc)
        else:
            messages.success(request, _("Endpoint added. Copy its signing secret now: it is not shown again."))
            form = WebhookForm()
    endpoints = WebhookEndpoint.objects.for_workspace(request.workspace)
    response = render(request, "integrations/webhooks.html",
                      {"form": form, "endpoints": endpoints, "created": created, "events": webhooks.EVENTS},
                      status=400 if form.errors else 200)
    if created:
        response["Cache-Control"] = "no-store"  # the secret must not stay in a cache or the back button
    return response


@workspace_view("settings:manage")
def endpoint_page(request, pk):
    endpoint = get_for_workspace_or_404(request.workspace, WebhookEndpoint, pk=pk)
    deliveries = WebhookDelivery.objects.for_workspace(request.workspace).filter(endpoint=endpoint)[:LOG_ROWS]
    return render(request, "integrations/webhook_endpoint.html",
                  {"endpoint": endpoint, "deliveries": deliveries, "events": webhooks.EVENTS})


@require_POST
@workspace_view("settings:manage")
def endpoint_action(request, pk, action):
    if action == "test":
        webhooks.endpoint_test(workspace=request.workspace, endpoint_id=pk)
        messages.success(request, _("Test event queued: it appears in the log below in a moment."))
    elif action in ("on", "off"):
        webhooks.endpoint_update(workspace=request.workspace, endpoint_id=pk, is_active=action == "on")
        messages.success(request, _("Endpoint switched on.") if action == "on" else _("Endpoint switched off."))
    elif action == "delete":
        webhooks.endpoint_delete(workspace=request.workspace, endpoint_id=pk)
        messages.success(request, _("Endpoint deleted."))
        return redirect("integrations-webhooks:list")
    else:
        raise Http404
    return redirect("integrations-webhooks:endpoint", pk=pk)


@require_POST
@workspace_view("settings:manage")
def delivery_again(request, pk):
    delivery = webhooks.redeliver(workspace=request.workspace, delivery_id=pk)
    messages.success(request, _("Sending it again."))
    return redirect("integrations-webhooks:endpoint", pk=delivery.endpoint_id)


@workspace_view("settings:manage")
def developers_page(request):
    """What a developer wiring Sebar into their system needs on one page: where the API is, the keys and endpoints
    this workspace has, and examples to copy."""
    keys = ApiKey.objects.for_workspace(request.workspace)
    active_keys = [k for k in keys if k.status == ApiKey.Status.ACTIVE]
    endpoints = WebhookEndpoint.objects.for_workspace(request.workspace)
    return render(request, "integrations/developers.html", {
        "api_base": f"{settings.SITE_URL}/api", "docs_url": f"{settings.SITE_URL}/api/docs/",
        "active_keys": active_keys, "endpoints": endpoints,
        "example_prefix": active_keys[0].prefix if active_keys else "sk_XXXXXXXX"})
