"""``POST /webhooks/waha``: WAHA's webhook receiver (a plain Django view: DRF would consume the raw body
we must verify). Cap the body, verify the HMAC on the raw bytes, then parse, store the event once, queue
processing, answer 200 at once. Nobody logs in here, so nothing before the signature check parses input."""
import logging

from django.conf import settings
from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .waha_webhooks import HMAC_HEADER
from .webhook_events import Rejected, Unreadable, webhook_event_store, webhook_verify

log = logging.getLogger(__name__)


def _text(body, status):
    return HttpResponse(body, status=status, content_type="text/plain")


def _read_capped(request, limit):
    """The raw body, or None when it is larger than `limit` (read no further than limit + 1 bytes)."""
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit:
        return None
    raw = request.read(limit + 1)
    return None if len(raw) > limit else raw


@csrf_exempt
@require_POST
def waha_webhook(request):
    limit = settings.WAHA_WEBHOOK_MAX_BYTES
    raw = _read_capped(request, limit)
    peer = request.META.get("REMOTE_ADDR")
    if raw is None:
        log.warning("WAHA webhook refused (413) from %s: body over %s bytes", peer, limit)
        return _text(f"body larger than {limit} bytes\n", 413)
    try:
        device, envelope = webhook_verify(raw, request.headers.get(HMAC_HEADER))
    except Rejected as exc:
        log.warning("WAHA webhook refused (401) from %s: %s", peer, exc.reason)
        return _text("invalid or missing X-Webhook-Hmac\n", 401)
    except Unreadable as exc:
        log.warning("WAHA webhook refused (400) from %s: %s", peer, exc)
        return _text(f"{exc}\n", 400)
    stored = webhook_event_store(device=device, envelope=envelope, raw_body=raw)
    return _text("ok\n" if stored else "duplicate\n", 200)
