"""Flows API routes, under /api/: /api/flows, /api/flows/<id>, .../check, .../publish, .../archive, .../start."""
from rest_framework.routers import SimpleRouter

from .views import FlowViewSet

router = SimpleRouter(trailing_slash=False)
router.register("flows", FlowViewSet, basename="flow")

urlpatterns = router.urls
