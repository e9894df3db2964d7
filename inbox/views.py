"""Pages of the inbox app."""
from django.shortcuts import render

from accounts.tenancy import workspace_view


@workspace_view("inbox:use")
def index(request):
    return render(request, "inbox/index.html")


@workspace_view("autoreplies:view")
def autoreplies(request):
    return render(request, "inbox/autoreplies.html")
