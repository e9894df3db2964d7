"""Flows API routes, under /api/: /api/flows, /api/flows/<id> (.../check, publish, archive, start), /api/flow-runs."""
from rest_framework.routers import SimpleRouter

from .views import FlowRunViewSet, FlowViewSet

router = SimpleRouter(trailing_slash=False)
router.register("flows", FlowViewSet, basename="flow")
router.register("flow-runs", FlowRunViewSet, basename="flow-run")

urlpatterns = router.urls
