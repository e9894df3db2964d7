"""Reads about campaigns: today's sends (billing's daily_messages counter), stats, lists, the log."""
from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from contacts.selectors import audience
from devices.health import SendStats

from .eta import campaign_eta
from .models import Campaign, Recipient
from .sent_today import sent_today

SENT_STATUSES = (Recipient.Status.SENT, Recipient.Status.DELIVERED, Recipient.Status.READ)


def messages_sent_today(workspace):
    """Messages this workspace's campaigns sent since midnight in the workspace's time zone."""
    return sent_today(workspace)


def broadcasts():
    """Campaigns people made: the hidden API campaigns (campaigns/api_messages.py) are no page's or list's."""
    return Campaign.objects.filter(kind=Campaign.Kind.BROADCAST)


def campaign_list(workspace, *, status=None):
    qs = Campaign.objects.for_workspace(workspace).filter(kind=Campaign.Kind.BROADCAST).order_by("-created_at")
    if status:
        qs = qs.filter(status=status)
    return qs


def campaign_stats(campaign, now=None):
    """{total, pending, sending, sent, delivered, read, failed, skipped, replied, per_device, started_at, eta}.

    `sent` counts every message that went out (also those delivered or read since); `delivered` those
    delivered or read; `read` those read.
    """
    rows = Recipient.objects.filter(campaign=campaign)
    counts = dict(rows.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    summary = _summary(campaign, counts)
    per_device = {}
    for row in (rows.filter(status__in=SENT_STATUSES).values("device_used__session_name", "device_used__label")
                .annotate(n=Count("pk")).order_by("device_used__session_name")):
        per_device[row["device_used__session_name"] or "-"] = {"label": row["device_used__label"] or "",
                                                              "sent": row["n"]}
    eta = campaign_eta(campaign, summary["pending"], now)
    return {
        **summary, "replied": rows.filter(replied_at__isnull=False).count(),
        "per_device": per_device, "status": campaign.status,
        "started_at": campaign.started_at, "finished_at": campaign.finished_at,
        "eta": eta,
    }


def campaign_list_stats(campaigns):
    """{campaign pk: the counts and percent of `campaign_stats`} for a page of campaigns, in one query.

    The list page shows a progress bar per campaign; `campaign_stats` for each would cost several
    queries per row.
    """
    counts = {c.pk: {} for c in campaigns}
    for campaign_id, status, n in (Recipient.objects.filter(campaign__in=list(counts))
                                   .values_list("campaign", "status").annotate(n=Count("pk"))
                                   .values_list("campaign", "status", "n")):
        counts[campaign_id][status] = n
    return {c.pk: _summary(c, counts[c.pk]) for c in campaigns}


def _summary(campaign, counts):
    """The status counts of one campaign's rows ({status: n}) as the numbers pages and the API show."""
    get = counts.get
    read = get(Recipient.Status.READ, 0)
    delivered = get(Recipient.Status.DELIVERED, 0) + read
    sent = get(Recipient.Status.SENT, 0) + delivered
    pending = get(Recipient.Status.PENDING, 0)
    total = sum(counts.values())
    done = total - pending - get(Recipient.Status.SENDING, 0)
    if campaign.status == Campaign.Status.CANCELLED:
        # Cancelling skips what was left: those rows are not progress, a cancelled run is not "100 %".
        done -= get(Recipient.Status.SKIPPED, 0)
    return {
        "total": total, "pending": pending, "sending": get(Recipient.Status.SENDING, 0), "sent": sent,
        "delivered": delivered, "read": read, "failed": get(Recipient.Status.FAILED, 0),
        "skipped": get(Recipient.Status.SKIPPED, 0),
        "percent": round(100 * done / total) if total else (100 if campaign.status == Campaign.Status.COMPLETED
                                                             else 0),
    }


def scheduled_audience(campaign):
    """How many contacts a not-yet-started campaign would reach now (None once it has recipients)."""
    if campaign.status not in (Campaign.Status.SCHEDULED, Campaign.Status.DRAFT):
        return None
    return audience(campaign.workspace, tags=list(campaign.target_tags),
                    exclude_tags=list(campaign.exclude_tags)).count()


def recipient_log(campaign, *, status=None, search=""):
    qs = Recipient.objects.filter(campaign=campaign).select_related("device_used").order_by("pk")
    if status:
        qs = qs.filter(status=status)
    if search:
        qs = qs.filter(Q(phone__icontains=search) | Q(name__icontains=search))
    return qs


def dashboard_card(workspace):
    sending = Campaign.objects.for_workspace(workspace).filter(status=Campaign.Status.PROCESSING,
                                                               kind=Campaign.Kind.BROADCAST).count()
    return {"label": _("Messages sent today"), "value": f"{messages_sent_today(workspace):,}",
            "hint": (_("%(n)s campaign(s) sending now") % {"n": sending}) if sending
            else _("Start a broadcast to a tag"),
            "url": reverse("campaigns:list")}


def first_step(workspace):
    """Done once a broadcast left the draft stage: scheduled, sending or already over."""
    started = (Campaign.objects.for_workspace(workspace).filter(kind=Campaign.Kind.BROADCAST)
               .exclude(status=Campaign.Status.DRAFT).exists())
    return {"key": "broadcast", "label": _("Send your first broadcast"),
            "hint": _("Paced over your numbers with random delays, so they stay safe."),
            "url": reverse("campaigns:new"), "done": started}


def platform_send_failures(*, since):
    """{device id: campaign sends that failed since `since`}, over every workspace, in one grouped query.

    For the operators' overview (devices cannot read recipients: it sits below campaigns on the map).
    FAILED rows are the device's or WAHA's doing; a number not on WhatsApp is SKIPPED and not counted.
    """
    rows = (Recipient.objects.filter(status=Recipient.Status.FAILED, claimed_at__gte=since,
                                     device_used__isnull=False)
            .order_by().values("device_used").annotate(n=Count("pk")))
    return {row["device_used"]: row["n"] for row in rows}


def device_send_stats(device_ids, *, since, undelivered_before):
    """Each number's campaign sends claimed since ``since``, for its health score (devices/health.py registers
    this from campaigns' AppConfig): one grouped query. A recipient counts as opted out when the contact opted out
    after the send."""
    answered = Q(status__in=[Recipient.Status.SENT, Recipient.Status.DELIVERED, Recipient.Status.READ,
                             Recipient.Status.FAILED]) | Q(error_code="not_on_whatsapp")
    sent = Q(status__in=[Recipient.Status.SENT, Recipient.Status.DELIVERED, Recipient.Status.READ])
    rows = (Recipient.objects.filter(answered, device_used_id__in=list(device_ids), claimed_at__gte=since)
            .values("device_used_id")
            .annotate(attempts=Count("pk"), sent=Count("pk", filter=sent),
                      failed=Count("pk", filter=Q(status=Recipient.Status.FAILED)),
                      not_on_whatsapp=Count("pk", filter=Q(error_code="not_on_whatsapp")),
                      undelivered=Count("pk", filter=Q(status=Recipient.Status.SENT, sent_at__lt=undelivered_before)),
                      opted_out=Count("pk", filter=sent & Q(contact__opted_out=True,
                                                            contact__opted_out_at__gte=F("sent_at")))))
    return {row.pop("device_used_id"): SendStats(**row) for row in rows}
