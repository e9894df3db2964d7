"""Inbox API for running a team: business hours and their messages, agents' capacity and hours for the rotator,
and starting a chat with a number that never wrote. Same services as the pages."""
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response

from accounts.models import Membership
from accounts.tenancy import get_for_workspace_or_404
from accounts.tenancy_api import WorkspaceAPIView

from .. import hours, rotation, start_chat
from .serializers import (
    AgentAvailabilitySerializer,
    BusinessHoursSerializer,
    ChatSerializer,
    ChatStartSerializer,
    PresenceSerializer,
)


class BusinessHoursView(WorkspaceAPIView):
    permission_read = "inbox:use"  # agents see when the shop is open; only owners change it
    permission_write = "settings:manage"

    @extend_schema(responses=BusinessHoursSerializer)
    def get(self, request):
        return Response(BusinessHoursSerializer(hours.business_hours_for(request.workspace)).data)

    @extend_schema(request=BusinessHoursSerializer, responses=BusinessHoursSerializer)
    def patch(self, request):
        data = BusinessHoursSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        row = hours.business_hours_update(workspace=request.workspace, **data.validated_data)
        return Response(BusinessHoursSerializer(row).data)

    put = patch


class AgentAvailabilityListView(WorkspaceAPIView):
    permission_read = "settings:manage"

    @extend_schema(responses=AgentAvailabilitySerializer(many=True))
    def get(self, request):
        return Response(AgentAvailabilitySerializer(rotation.agents_overview(workspace=request.workspace),
                                                    many=True).data)


class AgentAvailabilityView(WorkspaceAPIView):
    permission_read = "settings:manage"
    permission_write = "settings:manage"

    def _row(self, request, pk):
        member = get_for_workspace_or_404(request, Membership, pk=pk)  # another workspace's member: 404
        return member, next(a for a in rotation.agents_overview(workspace=request.workspace) if a["member"].pk == pk)

    @extend_schema(responses=AgentAvailabilitySerializer)
    def get(self, request, pk):
        _member, row = self._row(request, pk)
        return Response(AgentAvailabilitySerializer(row).data)

    @extend_schema(request=AgentAvailabilitySerializer, responses=AgentAvailabilitySerializer)
    def patch(self, request, pk):
        member, row = self._row(request, pk)
        data = AgentAvailabilitySerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        rotation.agent_availability_set(membership=member, capacity=values.get("capacity", row["capacity"]),
                                        week=values["week"] if "week" in values else row["week"])
        _member, row = self._row(request, pk)
        return Response(AgentAvailabilitySerializer(row).data)

    put = patch


class ChatStartView(WorkspaceAPIView):
    permission_write = "inbox:use"

    @extend_schema(request=ChatStartSerializer, responses={201: ChatSerializer})
    def post(self, request):
        data = ChatStartSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        chat = start_chat.chat_start(workspace=request.workspace, user=request.user, **data.validated_data)
        return Response(ChatSerializer(chat).data, status=status.HTTP_201_CREATED)


class PresenceView(WorkspaceAPIView):
    """The caller's own presence: an app or script an agent answers from says "still here" (GET or POST count as a
    heartbeat, as the inbox page's polling does) and sets the Online toggle."""

    permission_read = "inbox:use"
    permission_write = "inbox:use"

    @extend_schema(responses=PresenceSerializer)
    def get(self, request):
        rotation.presence_heartbeat(membership=request.membership)
        return Response(PresenceSerializer(request.membership).data)

    @extend_schema(request=PresenceSerializer, responses=PresenceSerializer)
    def post(self, request):
        data = PresenceSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        rotation.presence_heartbeat(membership=request.membership)
        membership = rotation.member_presence_set(membership=request.membership,
                                                  online=data.validated_data["is_online"])
        return Response(PresenceSerializer(membership).data)
