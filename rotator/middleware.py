"""The public link redirect's short way through the middleware stack.

A click from an ad needs none of what the stack does for signed-in pages: no session, user, workspace,
CSRF check, language or messages. Together they cost more CPU than the redirect itself (~110 µs of a
~150 µs bare Django view on the benchmark machine), on the one URL that gets all the traffic.

Django cannot skip middleware per URL, so this one sits right after SecurityMiddleware (HTTPS redirect,
HSTS, nosniff, referrer policy and COOP still apply) and answers a GET to a live link itself. Everything
else, including the 404, the "no longer active" page, HEAD and POST, goes on through the whole stack to
the same view in the URLconf, so those pages are translated and behave exactly as any other page.
"""
from django.conf import settings

from .public_urls import PATH_PREFIX
from .public_views import link_redirect_fast


class PublicLinkMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.prefix = "/" + PATH_PREFIX

    def __call__(self, request):
        path = request.path_info
        if request.method == "GET" and path.startswith(self.prefix):
            slug = path[len(self.prefix):]
            # What the URLconf's <str:slug> takes; anything else gets the stack's own answer.
            if slug and "/" not in slug:
                response = link_redirect_fast(request, slug)
                if response is not None:
                    # What the skipped CommonMiddleware and XFrameOptionsMiddleware would add to a redirect.
                    response.setdefault("Content-Length", str(len(response.content)))
                    response.setdefault("X-Frame-Options", settings.X_FRAME_OPTIONS)
                    return response
        return self.get_response(request)
