"""Pages of the campaigns app."""
from django.shortcuts import render

from accounts.tenancy import workspace_view


@workspace_view("campaigns:view")
def campaign_list(request):
    return render(request, "campaigns/list.html")
