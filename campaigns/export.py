"""The recipients log as CSV, streamed row by row so a 1,000,000-row campaign exports in constant memory."""
import csv

from django.http import StreamingHttpResponse
from django.utils.text import slugify

from .selectors import recipient_log

COLUMNS = ["phone", "name", "status", "device", "text", "error", "attempts", "sent_at", "delivered_at", "read_at",
           "replied_at", "waha_message_id"]


class _Echo:
    def write(self, value):
        return value


def _safe(value):
    # Spreadsheet formula injection: a cell starting with = + - @ is shown as text.
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def _rows(campaign, status):
    writer = csv.writer(_Echo())
    yield writer.writerow(COLUMNS)
    for r in recipient_log(campaign, status=status).iterator(chunk_size=2000):
        yield writer.writerow([_safe(v) for v in (
            r.phone, r.name, r.status, r.device_used.session_name if r.device_used else "", r.text, r.error,
            r.attempts, r.sent_at and r.sent_at.isoformat(), r.delivered_at and r.delivered_at.isoformat(),
            r.read_at and r.read_at.isoformat(), r.replied_at and r.replied_at.isoformat(), r.waha_message_id)])


def recipients_csv_response(campaign, status=None):
    response = StreamingHttpResponse(_rows(campaign, status), content_type="text/csv; charset=utf-8")
    name = slugify(campaign.name) or "campaign"
    response["Content-Disposition"] = f'attachment; filename="{name}-{campaign.pk}-recipients.csv"'
    return response
