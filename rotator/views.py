"""Pages of the rotator app."""
from django.shortcuts import render

from accounts.tenancy import workspace_view


@workspace_view("rotator:view")
def rotator_list(request):
    return render(request, "rotator/list.html")
