"""Team API: members (list, remove agents) and invitations (list pending, invite, withdraw). Owners only."""
from rest_framework import mixins, serializers, viewsets
from rest_framework.response import Response

from . import selectors, team
from .invitations import Invitation
from .models import Membership
from .tenancy_api import WorkspaceAPIMixin


class MemberSerializer(serializers.ModelSerializer):
    email = serializers.EmailField(source="user.email", read_only=True)
    full_name = serializers.CharField(source="user.full_name", read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "email", "full_name", "role", "is_online", "created_at"]


class InvitationSerializer(serializers.ModelSerializer):
    invited_by = serializers.EmailField(source="invited_by.email", read_only=True, default=None)
    status = serializers.SerializerMethodField()

    class Meta:
        model = Invitation
        fields = ["id", "email", "invited_by", "created_at", "expires_at", "accepted_at", "status"]
        read_only_fields = ["created_at", "expires_at", "accepted_at"]

    def get_status(self, invitation) -> str:
        if invitation.accepted_at:
            return "accepted"
        if invitation.revoked_at:
            return "withdrawn"
        return "pending" if invitation.is_pending else "expired"


class MemberViewSet(WorkspaceAPIMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                    mixins.DestroyModelMixin, viewsets.GenericViewSet):
    permission_read = "team:manage"
    permission_write = "team:manage"
    serializer_class = MemberSerializer
    queryset = Membership.objects.none()  # for the schema only; get_queryset scopes to the workspace
    lookup_value_regex = r"[0-9]+"

    def get_queryset(self):
        return selectors.team_members(self.request.workspace)

    def perform_destroy(self, instance):
        team.member_remove(workspace=self.request.workspace, actor=self.request.user, membership_id=instance.pk)


class InvitationViewSet(WorkspaceAPIMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                        mixins.CreateModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    """POST {email} invites (and resends to a pending address); DELETE withdraws a pending invitation."""

    permission_read = "team:manage"
    permission_write = "team:manage"
    serializer_class = InvitationSerializer
    queryset = Invitation.objects.none()  # for the schema only; get_queryset scopes to the workspace
    lookup_value_regex = r"[0-9]+"

    def get_queryset(self):
        queryset = Invitation.objects.for_workspace(self.request.workspace).select_related("invited_by")
        if self.action == "list":
            return queryset.pending()
        return queryset

    def create(self, request, *args, **kwargs):
        data = InvitationSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        invitation = team.invitation_create(workspace=request.workspace, actor=request.user,
                                            email=data.validated_data["email"])
        return Response(InvitationSerializer(invitation).data, status=201)

    def perform_destroy(self, instance):
        team.invitation_revoke(workspace=self.request.workspace, invitation_id=instance.pk)
