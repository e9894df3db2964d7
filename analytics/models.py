"""Daily roll-ups of a workspace's figures, and the bookkeeping that keeps them current (analytics/rollup.py)."""
from django.db import connection, models
from django.utils.translation import gettext_lazy as _

from accounts.tenancy import WorkspaceOwned


class DailyStat(WorkspaceOwned):
    """One figure of one day (in the workspace's time zone) and one number: what the dashboard reads.

    ``device_key`` is the device's id, or 0 for figures of no number (new contacts, sends whose number was
    removed). Not a nullable foreign key: NULLs are distinct in unique constraints on SQLite and MariaDB (and
    ``nulls_distinct`` is PostgreSQL's only), so the constraint below could not hold the no-number rows; and a
    day's history outlives a removed device. Rows are never incremented: a day is recounted from its source
    rows and written whole (rollup.day_recount), so a rerun or a restarted worker cannot count twice.
    """

    class Metric(models.TextChoices):
        SENT = "sent", _("Sent")
        DELIVERED = "delivered", _("Delivered")
        READ = "read", _("Read")
        REPLIED = "replied", _("Replied")
        INBOUND = "inbound", _("Messages received")
        OUTBOUND = "outbound", _("Messages sent from the inbox")
        NEW_CONTACTS = "new_contacts", _("New contacts")

    day = models.DateField()
    device_key = models.PositiveBigIntegerField(default=0)
    metric = models.CharField(max_length=20, choices=Metric.choices)
    value = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("daily figure")
        verbose_name_plural = _("daily figures")
        constraints = [models.UniqueConstraint(fields=["workspace", "day", "metric", "device_key"],
                                               name="analytics_dailystat_unique")]

    def __str__(self):
        return f"{self.day} {self.metric} #{self.device_key}: {self.value}"


class DirtyDay(WorkspaceOwned):
    """A day of a workspace whose figures moved since its last recount. ``marked_at`` is refreshed by every
    mark, so a mark made while a recount runs outlives it (the recount removes only older marks)."""

    day = models.DateField()
    marked_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["workspace", "day"], name="analytics_dirtyday_unique")]

    def __str__(self):
        return f"{self.workspace_id} {self.day}"


class Watermark(models.Model):
    """How far the roll-up read an append-only source (the highest primary key taken), by source name."""

    name = models.CharField(max_length=40, primary_key=True)
    value = models.PositiveBigIntegerField(default=0)

    def __str__(self):
        return f"{self.name}: {self.value}"


def rows_upsert(model, rows, *, unique_fields, update_fields):
    """Insert ``rows``, updating ``update_fields`` where a row with the same unique key exists.

    The one dialect branch of analytics: SQLite's ON CONFLICT needs the key named, MariaDB's ON DUPLICATE KEY
    UPDATE takes any unique key and refuses to be told which."""
    target = unique_fields if connection.features.supports_update_conflicts_with_target else None
    model.objects.bulk_create(rows, update_conflicts=True, unique_fields=target, update_fields=update_fields)
