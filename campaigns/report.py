"""A campaign's report: the summary (funnel, per number, per variant, failures by reason) and one line per
recipient, read by the report page, the API and the CSV / XLSX downloads (campaigns/report_files.py).

Plain functions over grouped queries: `summary()` costs a handful of queries whatever the campaign's size,
and `rows()` walks the recipients in keyset batches, so a 100,000-row campaign streams in constant memory
on SQLite and MariaDB alike (mysqlclient buffers a whole result set client-side, `.iterator()` or not).
"""
from dataclasses import asdict, dataclass, field

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Recipient
from .reasons import reason_text

BATCH = 2000
S = Recipient.Status
SENT_STATUSES = (S.SENT, S.DELIVERED, S.READ)
DELIVERED_STATUSES = (S.DELIVERED, S.READ)
PROBLEM_STATUSES = (S.FAILED, S.SKIPPED)

# The funnel's stages in order, and what each one's percentage is of: the first row of a report says how
# many of the recipients the messages reached; delivered, read and replied are shares of what went out.
FUNNEL = [
    ("sent", _("Sent"), "total"),
    ("delivered", _("Delivered"), "sent"),
    ("read", _("Read"), "sent"),
    ("replied", _("Replied"), "sent"),
    ("failed", _("Failed"), "total"),
    ("skipped", _("Skipped"), "total"),
    ("pending", _("Not sent yet"), "total"),
]
# A breakdown's counts, as conditional aggregates of one grouped query (per number, per variant).
BREAKDOWN = {
    "recipients": Count("pk"),
    "sent": Count("pk", filter=Q(status__in=SENT_STATUSES)),
    "delivered": Count("pk", filter=Q(status__in=DELIVERED_STATUSES)),
    "read": Count("pk", filter=Q(status=S.READ)),
    "replied": Count("pk", filter=Q(replied_at__isnull=False)),
    "failed": Count("pk", filter=Q(status=S.FAILED)),
    "skipped": Count("pk", filter=Q(status=S.SKIPPED)),
}

COLUMNS = [
    ("phone", _("Phone")), ("name", _("Name")), ("variant", _("Variant")), ("device", _("Number")),
    ("status", _("Status")), ("sent_at", _("Sent at")), ("delivered_at", _("Delivered at")),
    ("read_at", _("Read at")), ("replied_at", _("Replied at")), ("reason", _("Reason")),
]


@dataclass
class Summary:
    total: int
    funnel: list  # [{key, label, count, percent, of}] in FUNNEL order
    per_device: list  # [{device, label, recipients, sent, delivered, read, replied, failed, skipped}]
    per_variant: list  # [{variant, label, recipients, ...}]; empty while campaigns have no variants
    failures: list  # [{status, code, reason, count}] of FAILED and SKIPPED rows, most frequent first
    counts: dict = field(default_factory=dict)  # {funnel key: count}

    def as_dict(self):
        return asdict(self)


def _percent(part, whole):
    return round(100 * part / whole, 1) if whole else 0.0


def summary(campaign):
    """The campaign's figures now. Labels and reasons are in the active language."""
    rows = Recipient.objects.filter(campaign=campaign)
    by_status = dict(rows.order_by().values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    total = sum(by_status.values())
    counts = {
        "total": total,
        "sent": sum(by_status.get(s, 0) for s in SENT_STATUSES),
        "delivered": sum(by_status.get(s, 0) for s in DELIVERED_STATUSES),
        "read": by_status.get(S.READ, 0),
        "replied": rows.filter(replied_at__isnull=False).count(),
        "failed": by_status.get(S.FAILED, 0),
        "skipped": by_status.get(S.SKIPPED, 0),
        # A row being sent right now has not gone out yet: it is still waiting, for the report's reader.
        "pending": by_status.get(S.PENDING, 0) + by_status.get(S.SENDING, 0),
    }
    funnel = [{"key": key, "label": str(label), "count": counts[key], "of": of,
               "percent": _percent(counts[key], counts[of])} for key, label, of in FUNNEL]
    return Summary(total=total, funnel=funnel, per_device=per_device(campaign), per_variant=per_variant(campaign),
                   failures=failures(campaign), counts=counts)


def _breakdown(campaign, *keys):
    """BREAKDOWN's counts per value of `keys` (fields of Recipient), in one grouped query."""
    return list(Recipient.objects.filter(campaign=campaign).order_by().values(*keys).annotate(**BREAKDOWN)
                .order_by(*keys))


def per_device(campaign):
    """One line per number that took rows of this campaign; the rows no number took yet share one line."""
    lines = []
    for row in _breakdown(campaign, "device_used__session_name", "device_used__label"):
        session = row.pop("device_used__session_name")
        label = row.pop("device_used__label")
        lines.append({"device": session or "", "label": label or session or str(_("No number yet")), **row})
    return lines


def per_variant(campaign):
    """One line per message variant, in per_device's shape; [] while campaigns have no variants.

    Recipients carry no variant yet (A/B tests, issue 13). When they do, return `_breakdown(campaign,
    "variant__label")` renamed to {"variant": id, "label": name, **counts}: the page, the API and the Summary
    sheet show the section as soon as this list is not empty, and `recipient_variant` fills the column.
    """
    return []


def recipient_variant(recipient):
    """The variant a recipient got, for the Variant column: empty until campaigns have variants (see above)."""
    return ""


def failures(campaign):
    """FAILED and SKIPPED rows grouped by their reason's words (a code's words can hold figures, as WAHA's
    detail: two details are two lines), most frequent first."""
    grouped = {}
    for row in (Recipient.objects.filter(campaign=campaign, status__in=PROBLEM_STATUSES).order_by()
                .values("status", "error_code", "error_params", "error").annotate(n=Count("pk"))):
        words = reason_text(row["error_code"], row["error_params"], row["error"]) or str(_("No reason recorded"))
        key = (row["status"], row["error_code"], words)
        grouped[key] = grouped.get(key, 0) + row["n"]
    lines = [{"status": status, "status_label": str(S(status).label), "code": code, "reason": words, "count": n}
             for (status, code, words), n in grouped.items()]
    return sorted(lines, key=lambda line: (-line["count"], line["status"], line["reason"]))


def headers():
    """The column titles of `rows()`, in the active language."""
    return [str(label) for _key, label in COLUMNS]


def rows(campaign, *, aware=True):
    """One list per recipient, in COLUMNS order, oldest row first; status and reason in the active language.

    Times are in the workspace's time zone: aware (for CSV, written with their offset) or, with
    `aware=False`, naive wall-clock times, since a spreadsheet cell has no time zone.
    """
    zone = campaign.workspace.zone

    def at(value):
        if value is None:
            return None
        local = timezone.localtime(value, zone)
        return local if aware else local.replace(tzinfo=None)

    fields = ("id", "phone", "name", "status", "device_used__session_name", "device_used__label", "error_code",
              "error_params", "error", "sent_at", "delivered_at", "read_at", "replied_at")
    base = Recipient.objects.filter(campaign=campaign).select_related("device_used").only(*fields).order_by("pk")
    last = 0
    while True:
        batch = list(base.filter(pk__gt=last)[:BATCH])
        if not batch:
            return
        for r in batch:
            device = r.device_used
            yield [r.phone, r.name, recipient_variant(r), (device.label or device.session_name) if device else "",
                   r.get_status_display(), at(r.sent_at), at(r.delivered_at), at(r.read_at), at(r.replied_at),
                   r.reason]
        last = batch[-1].pk
