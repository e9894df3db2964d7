"""The address a request came from, as the login limits, the audit log and the sessions page read it."""
from django.conf import settings


def client_ip(request):
    # SECURITY: X-Forwarded-For is written by the client unless our own proxy overwrites it. Trusting it
    # by default would let anyone dodge the per-IP login limit with a new fake address per attempt.
    if settings.TRUST_X_FORWARDED_FOR:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        # The proxy appends the address it saw last; that hop is the one a client cannot forge.
        hops = [h.strip() for h in forwarded.split(",") if h.strip()]
        if hops:
            return hops[-1]
    return request.META.get("REMOTE_ADDR", "")
