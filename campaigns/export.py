"""The recipients log as CSV, streamed row by row so a 1,000,000-row campaign exports in constant memory."""
import csv

from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import get_language, override

from common.cells import Echo, safe_cell

from .selectors import recipient_log

COLUMNS = ["phone", "name", "status", "device", "text", "error", "attempts", "sent_at", "delivered_at", "read_at",
           "replied_at", "waha_message_id"]


def _at(value, zone):
    # The workspace's wall clock with its offset: the body streams after the request's zone is gone.
    return value and timezone.localtime(value, zone).isoformat(timespec="seconds")


def _rows(campaign, status, language):
    zone = campaign.workspace.zone
    writer = csv.writer(Echo())
    yield writer.writerow(COLUMNS)
    # The reasons in the language of whoever asked: the body streams after the request's language is gone.
    with override(language):
        for r in recipient_log(campaign, status=status).iterator(chunk_size=2000):
            yield writer.writerow([safe_cell(v) for v in (
                r.phone, r.name, r.status, r.device_used.session_name if r.device_used else "", r.text, r.reason,
                r.attempts, _at(r.sent_at, zone), _at(r.delivered_at, zone), _at(r.read_at, zone),
                _at(r.replied_at, zone), r.waha_message_id)])


def recipients_csv_response(campaign, status=None):
    response = StreamingHttpResponse(_rows(campaign, status, get_language()), content_type="text/csv; charset=utf-8")
    name = slugify(campaign.name) or "campaign"
    response["Content-Disposition"] = f'attachment; filename="{name}-{campaign.pk}-recipients.csv"'
    return response
