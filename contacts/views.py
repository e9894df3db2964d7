"""Pages of the contacts app."""
from django.shortcuts import render

from accounts.tenancy import workspace_view


@workspace_view("contacts:view")
def contact_list(request):
    return render(request, "contacts/list.html")
