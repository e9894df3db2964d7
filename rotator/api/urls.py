"""Link rotator API routes, mounted under /api/."""

urlpatterns = []
