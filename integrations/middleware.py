"""Records each request made with an API key once its answer is known (status included: a 403 or 429 too).
The authentication class marks the request (`sebar_api_key`); unknown keys have nothing to attribute."""
from accounts.services import client_ip

from .services import apikey_request_record


class ApiKeyRequestLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        key = getattr(request, "sebar_api_key", None)
        if key is not None:
            apikey_request_record(key=key, method=request.method, path=request.path,
                                  status=response.status_code, ip=client_ip(request))
        return response
