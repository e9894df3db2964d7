"""Devices API: list, scan (create + start + QR or pairing code), QR, label/broadcast switch, delete."""
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import MethodNotAllowed
from rest_framework.response import Response

from accounts.tenancy_api import WorkspaceViewSet
from config.errors import UserError
from devices import services
from devices.models import Device

from .serializers import DeviceSerializer, DeviceUpdateSerializer, QrSerializer, ScanResultSerializer, ScanSerializer


class DeviceViewSet(WorkspaceViewSet):
    model = Device
    queryset = Device.objects.none()
    serializer_class = DeviceSerializer
    lookup_field = "session_name"
    lookup_url_kwarg = "session"
    lookup_value_regex = r"[a-zA-Z0-9_-]{1,54}"
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    permission_read = "devices:view"
    permission_write = "devices:manage"
    permission_actions = {"scan": "devices:manage", "qr": "devices:manage"}

    def get_queryset(self):
        return super().get_queryset().select_related("health").order_by("created_at", "pk")

    def create(self, request, *args, **kwargs):
        raise MethodNotAllowed("POST", detail="Use POST /api/devices/scan to add a device.")

    @extend_schema(request=DeviceUpdateSerializer, responses=DeviceSerializer)
    def partial_update(self, request, *args, **kwargs):
        device = self.get_object()
        data = DeviceUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.device_update(device=device, **data.validated_data)
        return Response(DeviceSerializer(device).data)

    def destroy(self, request, *args, **kwargs):
        services.device_delete(device=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=ScanSerializer, responses={201: ScanResultSerializer})
    @action(detail=False, methods=["post"])
    def scan(self, request):
        data = ScanSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        phone = data.validated_data["phone"].strip()
        device = services.device_create(workspace=request.workspace, label=data.validated_data["label"],
                                        pairing_phone=phone or None)
        body = {"device": None}
        try:
            if phone:
                body["pairing_code"] = services.device_pairing_code(device=device, phone=phone)
            else:
                body["qr"] = services.device_qr(device=device)
        except UserError as exc:
            # The device exists now; say why there is no code yet and let the client ask again via /qr.
            body["error"] = {"error": exc.code, "message": exc.message}
        device.refresh_from_db()
        body["device"] = DeviceSerializer(device).data
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(responses=QrSerializer)
    @action(detail=True, methods=["get"])
    def qr(self, request, session=None):
        return Response({"qr": services.device_qr(device=self.get_object())})
