"""Link rotator API routes, mounted under /api/: /api/rotators, /api/rotators/<id>, .../<id>/stats."""
from rest_framework.routers import SimpleRouter

from .views import RotatorViewSet

router = SimpleRouter(trailing_slash=False)
router.register("rotators", RotatorViewSet, basename="rotator")

urlpatterns = router.urls
