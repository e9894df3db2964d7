"""Key management API: list, create (the secret once) and revoke the workspace's keys. Owners only, and only with a
login (session or JWT): keys.VIEW_SCOPES does not list these views, so no key can make or revoke keys."""
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.response import Response

from accounts.tenancy_api import WorkspaceAPIView
from config.errors import ERRORS

from .. import services
from ..models import ApiKey
from .serializers import ApiKeyCreatedSerializer, ApiKeyCreateSerializer, ApiKeySerializer


class ApiKeyListView(WorkspaceAPIView):
    permission_read = "settings:manage"
    permission_write = "settings:manage"

    @extend_schema(tags=["api keys"], summary="List the workspace's API keys (prefixes, never secrets)",
                   responses={200: ApiKeySerializer(many=True), **ERRORS})
    def get(self, request):
        keys = ApiKey.objects.for_workspace(self.workspace)
        return Response(ApiKeySerializer(keys, many=True).data)

    @extend_schema(tags=["api keys"], summary="Create an API key; the answer holds the secret, shown only once",
                   request=ApiKeyCreateSerializer, responses={201: ApiKeyCreatedSerializer, **ERRORS})
    def post(self, request):
        serializer = ApiKeyCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        key, full = services.apikey_create(workspace=self.workspace, actor=request.user, **serializer.validated_data)
        key.key = full
        return Response(ApiKeyCreatedSerializer(key).data, status=status.HTTP_201_CREATED)


class ApiKeyDetailView(WorkspaceAPIView):
    permission_read = "settings:manage"
    permission_write = "settings:manage"

    @extend_schema(tags=["api keys"], summary="Revoke an API key (it stops working at once)",
                   responses={204: OpenApiResponse(description="Revoked"), **ERRORS})
    def delete(self, request, pk):
        services.apikey_revoke(workspace=self.workspace, actor=request.user, key_id=pk)
        return Response(status=status.HTTP_204_NO_CONTENT)
