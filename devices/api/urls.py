"""Devices API routes, mounted under /api/ (namespace "api"): api:device-list, -detail, -scan, -qr."""
from rest_framework.routers import SimpleRouter

from .views import DeviceViewSet

router = SimpleRouter(trailing_slash=False)
router.register("devices", DeviceViewSet, basename="device")

urlpatterns = router.urls
