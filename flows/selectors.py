"""Reads of flows: the list with each flow's figures, and a chat's current flow state."""
from django.db.models import Count, Q

from .models import Flow, FlowRun


def flow_list(*, workspace):
    return (Flow.objects.for_workspace(workspace).select_related("live_version")
            .annotate(active_runs=Count("runs", filter=Q(runs__status=FlowRun.Status.ACTIVE)),
                      completed_runs=Count("runs", filter=Q(runs__status=FlowRun.Status.COMPLETED)))
            .order_by("name", "pk"))


def chat_flow_state(*, chat):
    """The chat's active run (its flow, version, node and answers), or None."""
    return (FlowRun.objects.for_workspace(chat.workspace).select_related("flow", "version")
            .filter(active_chat=chat, status=FlowRun.Status.ACTIVE).first())
