"""The public link redirect (/link/<slug>): the only rotator route reachable without logging in."""
from django.urls import path, re_path

from .public_views import link_not_found, link_redirect

# Where config.urls mounts these routes; rotator.middleware answers the common case under it early.
PATH_PREFIX = "link/"

app_name = "link"
urlpatterns = [
    path("<str:slug>", link_redirect, name="redirect"),
    # Anything else under /link/ (an empty or cut-off slug, a stray slash) is a mistyped link too.
    re_path(r"^(?P<rest>.*)$", link_not_found, name="not-found"),
]
