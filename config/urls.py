"""Root URLs. Pages per app, the JSON API under /api/, WAHA webhooks, the public link redirect."""
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts.views import language_switch
from config.health import healthz
from config.overview import overview
from rotator.public_urls import PATH_PREFIX as LINK_PREFIX

api_patterns = [
    path("", include("accounts.api.urls")),
    path("", include("billing.api.urls")),
    path("", include("devices.api.urls")),
    path("", include("contacts.api.urls")),
    path("", include("campaigns.api.urls")),
    path("", include("inbox.api.urls")),
    path("", include("rotator.api.urls")),
    path("", include("integrations.api.urls")),
    path("", include("analytics.api.urls")),
    path("", include("flows.api.urls")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its start-up script as a file (docs/?script), so the page has no inline script.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
]

# The admin's routes plus the operators' overview, in its namespace (admin:overview) and behind its staff
# check; first, or the admin's catch-all would answer admin/overview/ with a 404.
admin_patterns = [path("overview/", admin.site.admin_view(overview), name="overview"), *admin.site.get_urls()]

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    # Django's set_language, which also saves a signed-in member's choice on them.
    path("i18n/setlang/", language_switch, name="set_language"),
    path("admin/", (admin_patterns, "admin", admin.site.name)),
    path("api/", include((api_patterns, "api"))),
    path("webhooks/", include("devices.webhook_urls")),
    path(LINK_PREFIX, include("rotator.public_urls")),
    path("devices/", include("devices.urls")),
    path("contacts/", include("contacts.urls")),
    path("campaigns/", include("campaigns.urls")),
    path("inbox/", include("inbox.urls")),
    path("links/", include("rotator.urls")),
    path("flows/", include("flows.urls")),
    path("billing/", include("billing.urls")),
    path("settings/api-keys/", include("integrations.urls")),
    path("settings/webhooks/", include("integrations.webhook_urls")),
    path("settings/audit/", include("audit.urls")),
    path("", include("accounts.urls")),
]

# SECURITY: MEDIA_ROOT is never served as static files, not even with DEBUG on: it holds customers'
# WhatsApp media, import files and knowledge documents of every tenant. Each is served only by a view
# that checks the workspace (inbox media: inbox/media.py).
