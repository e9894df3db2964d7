"""``POST /webhooks/waha``: WAHA's webhook receiver (a plain Django view: DRF would consume the raw body
we must verify). Verify the HMAC, store the event once, queue processing, answer 200 at once."""
import logging

from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .waha_webhooks import HMAC_HEADER
from .webhook_events import Rejected, webhook_event_store, webhook_verify

log = logging.getLogger(__name__)


@csrf_exempt
@require_POST
def waha_webhook(request):
    try:
        device, envelope = webhook_verify(request.body, request.headers.get(HMAC_HEADER))
    except Rejected as exc:
        log.warning("WAHA webhook refused (401) from %s: %s", request.META.get("REMOTE_ADDR"), exc.reason)
        return HttpResponse("invalid or missing X-Webhook-Hmac\n", status=401, content_type="text/plain")
    stored = webhook_event_store(device=device, envelope=envelope, raw_body=request.body)
    return HttpResponse("ok\n" if stored else "duplicate\n", status=200, content_type="text/plain")
