"""Pages for the error answers Django leaves blank.

Django's require_POST / require_safe and class views answer a wrong method with an empty 405, which a browser
shows as a white page. This middleware gives such a page body the site's own 405 page, with the Allow header
kept; the JSON API (DRF) already answers with a body, so a response that has one is left alone.
"""
from django.shortcuts import render


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
