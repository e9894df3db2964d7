"""Pages of the billing app."""
from django.shortcuts import render

from accounts.tenancy import workspace_view


@workspace_view("billing:manage")
def index(request):
    return render(request, "billing/index.html")
