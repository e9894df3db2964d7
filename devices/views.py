"""Pages of the devices app."""
from django.shortcuts import render

from accounts.tenancy import workspace_view


@workspace_view("devices:view")
def device_list(request):
    return render(request, "devices/list.html")
