"""Pages for the error answers Django leaves blank, and the 503 page of a refused request (queue down).

Django's require_POST / require_safe and class views answer a wrong method with an empty 405, which a browser
shows as a white page. This middleware gives such a page body the site's own 405 page, with the Allow header
kept; the JSON API (DRF) already answers with a body, so a response that has one is left alone.
"""
from django.shortcuts import render

from .queue import QueueUnavailable


class MethodNotAllowedPageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code != 405 or response.content or request.method == "HEAD":
            return response
        page = render(request, "405.html", {"allowed": response.get("Allow", "")}, status=405)
        if "Allow" in response:
            page["Allow"] = response["Allow"]
        return page


class QueueUnavailablePageMiddleware:
    """A page request refused because the background queue is down (``config.queue.QueueUnavailable``) and not
    shown by its view as a form error: a 503 page that says nothing was saved and to try again, not a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, QueueUnavailable):
            return None
        page = render(request, "503.html", {"message": exception.message}, status=503)
        page["Retry-After"] = str(exception.retry_after)
        return page
