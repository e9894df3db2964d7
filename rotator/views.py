"""Pages of the link rotator: the list (URL, copy, QR), create/edit with numbers inline, statistics."""
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.tenancy import get_for_workspace_or_404
from accounts.tenancy_web import workspace_view
from billing import limits
from config.errors import UserError
from config.forms import apply_user_error

from . import selectors, services
from .forms import NumberFormSet, RotatorForm, numbers_from
from .models import LinkRotator
from .qr import qr_data_uri


def public_url(rotator):
    return settings.SITE_URL + reverse("link:redirect", kwargs={"slug": rotator.slug})


@workspace_view("rotator:view")
def rotator_list(request):
    rotators = list(selectors.rotator_list(workspace=request.workspace))
    for rotator in rotators:
        rotator.public_url = public_url(rotator)
    return render(request, "rotator/list.html", {
        "rotators": rotators, "remaining": limits.remaining(request.workspace, "rotators"),
        "limit": limits.limit_for(request.workspace, "rotators"),
    })


def _edit(request, rotator=None):
    workspace = request.workspace
    if rotator is None:
        initial = {"mode": LinkRotator.Mode.SEQUENTIAL, "is_active": True}
        number_initial = [{"weight": 1}]
    else:
        initial = {f: getattr(rotator, f) for f in services.EDITABLE}
        number_initial = [{"phone": "+" + n.phone, "weight": n.weight, "device": n.device_id}
                          for n in rotator.numbers.all()]
    form = RotatorForm(request.POST or None, initial=initial)
    formset = NumberFormSet(request.POST or None, initial=number_initial, prefix="numbers",
                            form_kwargs={"workspace": workspace})
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            if rotator is None:
                rotator = services.rotator_create(workspace=workspace, numbers=numbers_from(formset),
                                                  **form.cleaned_data)
                messages.success(request, _("Link created: share %(url)s") % {"url": public_url(rotator)})
            else:
                services.rotator_update(rotator=rotator, numbers=numbers_from(formset), **form.cleaned_data)
                messages.success(request, _("Link saved."))
        except UserError as exc:
            apply_user_error(form, exc)
        else:
            return redirect("rotator:list")
    return render(request, "rotator/form.html", {
        "form": form, "formset": formset, "rotator": rotator, "site_url": settings.SITE_URL,
    }, status=400 if request.method == "POST" else 200)


@workspace_view("rotator:manage")
def rotator_create(request):
    return _edit(request)


@workspace_view("rotator:manage")
def rotator_edit(request, pk):
    return _edit(request, get_for_workspace_or_404(request, LinkRotator, pk=pk))


@require_POST
@workspace_view("rotator:manage")
def rotator_delete(request, pk):
    rotator = get_for_workspace_or_404(request, LinkRotator, pk=pk)
    services.rotator_delete(rotator=rotator)
    messages.success(request, _("Link /link/%(slug)s deleted.") % {"slug": rotator.slug})
    return redirect("rotator:list")


@workspace_view("rotator:view")
def rotator_stats(request, pk):
    rotator = get_for_workspace_or_404(request, LinkRotator, pk=pk)
    stats = selectors.rotator_stats(rotator=rotator)
    return render(request, "rotator/stats.html", {
        "rotator": rotator, "stats": stats, "public_url": public_url(rotator),
        "total_30": sum(stats["clicks_per_day"]), "bots_30": sum(stats["bots_per_day"]),
    })


@workspace_view("rotator:view")
def rotator_qr(request, pk):
    rotator = get_for_workspace_or_404(request, LinkRotator, pk=pk)
    url = public_url(rotator)
    return render(request, "rotator/qr.html", {"rotator": rotator, "public_url": url, "qr": qr_data_uri(url)})
