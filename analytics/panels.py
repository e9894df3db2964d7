"""The dashboard's analytics panel: what its template needs besides the figures, which the browser fetches."""
from django.utils.translation import gettext_lazy as _

from accounts.permissions import can

RANGE_NAMES = {"today": _("Today"), "7d": _("7 days"), "30d": _("30 days")}


def dashboard_panel(request):
    return {"ranges": list(RANGE_NAMES.items()), "by_device": can(request.membership, "devices:view"),
            "owner_figures": can(request.membership, "billing:manage")}
