"""The request being answered, for audit entries written by services that are not handed it.

Services take `actor` but not the request (they also run in tasks and the admin); the address and browser an
entry records come from here, as django-auditlog's AuditlogMiddleware does it. A context variable, so threads and
async tasks each see their own. DRF authenticates after middleware, but it writes the user and `auth` (the API key)
onto this same HttpRequest, so reading them at record time sees the API's principal.
"""
import contextvars

_current = contextvars.ContextVar("sebar_audit_request", default=None)


class AuditRequestMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _current.set(request)
        try:
            return self.get_response(request)
        finally:
            _current.reset(token)


def current_request():
    return _current.get()
