"""The owner's API keys page (Settings → API keys): the list, a form for a new key that shows its secret once,
and revoking."""
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.tenancy_web import workspace_view
from config.errors import UserError
from config.forms import apply_user_error

from . import services
from .forms import ApiKeyForm
from .keys import SCOPES
from .models import ApiKey


@workspace_view("settings:manage")
def keys_page(request):
    form = ApiKeyForm(request.POST or None, workspace=request.workspace)
    created = None
    if request.method == "POST" and form.is_valid():
        try:
            key, full = services.apikey_create(workspace=request.workspace, actor=request.user,
                                               name=form.cleaned_data["name"], scopes=form.cleaned_data["scopes"],
                                               expires_at=form.expires_at(),
                                               transactional=form.cleaned_data["transactional"])
        except UserError as exc:
            apply_user_error(form, exc)
        else:
            # Shown in this answer only (no redirect that would have to keep it somewhere until the next page).
            created = {"key": key, "secret": full}
            messages.success(request, _("API key “%(name)s” created. Copy it now: it is not shown again.")
                             % {"name": key.name})
            form = ApiKeyForm(workspace=request.workspace)
    keys = ApiKey.objects.for_workspace(request.workspace).select_related("created_by")
    response = render(request, "integrations/keys.html",
                      {"form": form, "keys": keys, "created": created, "scope_labels": SCOPES},
                      status=400 if form.errors else 200)
    if created:
        response["Cache-Control"] = "no-store"  # the secret must not stay in a cache or the back button
    return response


@require_POST
@workspace_view("settings:manage")
def key_revoke(request, pk):
    key = services.apikey_revoke(workspace=request.workspace, actor=request.user, key_id=pk)
    messages.success(request, _("API key %(prefix)s revoked: it no longer works.") % {"prefix": key.prefix})
    return redirect("integrations:keys")
