"""/healthz: is the database reachable, is Redis reachable. Used by load balancers and compose.

Anyone may ask (load balancers do not log in), so anonymous callers get only ok / fail and the status
code; which check failed and why (an error naming internal hosts) is shown to staff only.
"""
import redis
from django.conf import settings
from django.db import connection
from django.http import JsonResponse


def _checks():
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        checks["database"] = {"ok": True, "vendor": connection.vendor}
    except Exception as exc:  # any failure means unhealthy; staff see the reason
        checks["database"] = {"ok": False, "error": str(exc)}
    try:
        client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
        client.ping()
        checks["redis"] = {"ok": True}
    except Exception as exc:
        checks["redis"] = {"ok": False, "error": str(exc)}
    return checks


def healthz(request):
    checks = _checks()
    healthy = all(c["ok"] for c in checks.values())
    body = {"status": "ok" if healthy else "fail"}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.is_staff:
        body["checks"] = checks
    return JsonResponse(body, status=200 if healthy else 503)
