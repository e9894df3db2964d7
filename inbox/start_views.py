"""The inbox's "New chat" page: an agent writes first to a phone number (inbox.start_chat does the checks)."""
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.tenancy_web import workspace_view
from config.errors import UserError
from config.forms import apply_user_error

from . import start_chat
from .forms import StartChatForm


@workspace_view("inbox:use")
def chat_start(request):
    form = StartChatForm(request.POST or None, workspace=request.workspace,
                         initial={"phone": request.GET.get("phone", "")[:40]})
    if request.method == "POST" and form.is_valid():
        try:
            chat = start_chat.chat_start(workspace=request.workspace, user=request.user, **form.cleaned_data)
            messages.success(request, _("Sent. The chat is yours; the bot stays quiet in it for now."))
            return redirect("inbox:chat", pk=chat.pk)
        except UserError as exc:
            apply_user_error(form, exc)
    return render(request, "inbox/start_chat.html", {"form": form,
                                                     "no_devices": not form.fields["device"].queryset.exists()})
