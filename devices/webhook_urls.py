"""WAHA webhook receiver route (/webhooks/...)."""

urlpatterns = []
