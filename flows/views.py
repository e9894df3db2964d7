"""Pages of flows: the list (with a new-flow form and archive), and the builder, whose script saves and
publishes through the API (/api/flows, the same services)."""
from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.permissions import can
from accounts.tenancy import get_for_workspace_or_404
from accounts.tenancy_web import workspace_view
from config.errors import UserError
from config.forms import apply_user_error

from . import selectors, services
from .models import Flow
from .ready_made import READY_MADE, ready_made_graph


class FlowCreateForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=120)
    start = forms.ChoiceField(label=gettext_lazy("Start from"), required=False,
                              choices=[("", gettext_lazy("An empty flow"))])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["start"].choices = [("", _("An empty flow"))] + [(k, v["title"]) for k, v in READY_MADE.items()]


@workspace_view("flows:view")
def flow_list(request):
    return render(request, "flows/list.html", {
        "flows": selectors.flow_list(workspace=request.workspace), "form": FlowCreateForm(),
        "can_manage": can(request.membership, "flows:manage")})


@require_POST
@workspace_view("flows:manage")
def flow_create(request):
    form = FlowCreateForm(request.POST)
    if form.is_valid():
        try:
            flow = services.flow_create(workspace=request.workspace, name=form.cleaned_data["name"],
                                        draft=ready_made_graph(form.cleaned_data["start"]))
        except UserError as exc:
            apply_user_error(form, exc)
        else:
            return redirect("flows:builder", pk=flow.pk)
    return render(request, "flows/list.html", {
        "flows": selectors.flow_list(workspace=request.workspace), "form": form, "can_manage": True}, status=400)


def builder_labels():
    """The builder script's words, in the page's language (static/js/flows_builder.js reads them)."""
    return {
        "kinds": {"trigger": _("Trigger"), "message": _("Message"), "menu": _("Menu"), "question": _("Question"),
                  "condition": _("Condition"), "action": _("Action")},
        "fields": {"trigger": _("Starts when"), "keywords": _("Keywords (comma separated)"), "match": _("Match"),
                   "text": _("Text ([name] and {a|b} work)"), "options": _("Options, one per line"),
                   "validate": _("Answer must be"), "choices": _("Accepted answers, one per line"),
                   "retry": _("Message for a wrong answer"), "store": _("Store the answer in"),
                   "name": _("Name of the variable or field"), "timeout_minutes": _("Timeout (minutes)"),
                   "reminder_minutes": _("Reminder after (minutes)"), "reminder": _("Reminder text"),
                   "action": _("Do"), "tag": _("Tag"), "user": _("Team member id"), "rules": _("Rules"),
                   "check": _("Check"), "op": _("Comparison"), "value": _("Value"), "start": _("From (HH:MM)"),
                   "end": _("Until (HH:MM)")},
        "choices": {
            "trigger": {"keyword": _("a keyword"), "new_contact": _("a new contact's first message"),
                        "api": _("started from the API or a chat")},
            "match": {"exact": _("the whole message"), "contains": _("a word in the message")},
            "validate": {"text": _("any text"), "number": _("a number"), "phone": _("a phone number"),
                         "email": _("an e-mail address"), "date": _("a date (31/12/2026)"),
                         "choice": _("one of a list")},
            "store": {"variable": _("a flow variable"), "field": _("a contact field")},
            "action": {"tag_add": _("add a tag"), "tag_remove": _("remove a tag"), "handoff": _("hand to a person"),
                       "assign": _("assign to a team member"), "webhook": _("send the answers to your webhooks"),
                       "ai": _("let the AI answer"), "end": _("end the flow")},
            "check": {"answer": _("the last answer"), "variable": _("a flow variable"), "field": _("a contact field"),
                      "tag": _("the contact has a tag"), "time": _("the time"),
                      "business_hours": _("open now (the inbox's business hours)")},
            "op": {"equals": _("is"), "contains": _("contains"), "gt": _("is more than"), "lt": _("is less than"),
                   "exists": _("is filled in")},
        },
        "statuses": {str(value): str(label) for value, label in Flow.Status.choices},
        "next": _("Then"), "timeout": _("On timeout"), "else": _("Otherwise"), "option": _("Option"),
        "rule": _("Rule"), "end_flow": _("(end of the flow)"), "add_rule": _("Add a rule"),
        "remove_rule": _("Remove rule"), "delete": _("Delete node"), "saved": _("Draft saved."),
        "published": _("Published as version %(n)s. New chats start on it; chats inside keep theirs."),
        "no_problems": _("No problems: the flow can be published."),
        "problems": _("Fix these before publishing:"), "failed": _("Not saved: %(error)s"),
    }


@workspace_view("flows:manage")
def flow_builder(request, pk):
    flow = get_for_workspace_or_404(request, Flow, pk=pk)
    return render(request, "flows/builder.html", {"flow": flow, "labels": builder_labels()})


@require_POST
@workspace_view("flows:manage")
def flow_archive(request, pk):
    flow = get_for_workspace_or_404(request, Flow, pk=pk)
    services.flow_archive(flow=flow)
    messages.success(request, _("Flow “%(name)s” archived: no new chat starts it.") % {"name": flow.name})
    return redirect("flows:list")
