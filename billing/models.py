"""Billing models: the plans (`Package`), the subscription ledger (`Subscription`) and what billing paused.

The ledger is the truth: a workspace's current plan is read from it by `billing.selectors.current_plan`,
never stored on the workspace, so a refund, an expiry or an operator's correction cannot leave a stale
copy behind.
"""
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.tenancy import WorkspaceOwned

# Limits a package stores in `features` (resource name -> key). None in the JSON means unlimited.
FEATURE_KEYS = {
    "rotators": "max_rotators",
    "agents": "max_agents",
    "daily_messages": "daily_messages",
    "ai_replies": "ai_replies",
    "warming": "max_warming",  # numbers on a warm-up ramp at once (devices/ramp.py)
}
# "ai_replies" is the plan's monthly allowance of AI answers (a whole number; null = unlimited). Plans written
# before it was metered say true/false: `Package.limit` reads true as unlimited and false as none.
LEGACY_BOOLEAN_FEATURES = {"ai_replies"}
FREE_CODE = "free"
TRIAL_PROVIDER = "trial"
# The fallback when a plan's features JSON does not mention a resource (and the seeded Free plan's values).
FREE_LIMITS = {"devices": 1, "contacts": 500, "rotators": 3, "agents": 1, "daily_messages": 500,
               "ai_replies": 0, "warming": 1}
# A new or re-linked number's daily caps, one a day, while its health allows (devices/ramp.py); a plan may set its own.
DEFAULT_WARMUP_RAMP = [20, 40, 80, 150, 250, 400, 600, 1000]
RAMP_MAX_DAYS = 60


class Package(models.Model):
    """A plan (the brief's subscription_packages). Operators edit prices and limits in the admin."""

    code = models.SlugField(_("code"), max_length=40, unique=True,
                            help_text=_("Stable identifier; 'free' is the plan workspaces fall back to."))
    name = models.CharField(_("name"), max_length=60, unique=True)
    description = models.CharField(_("description"), max_length=200, blank=True)
    # Whole rupiah per month: IDR has no minor unit in practice.
    price = models.PositiveIntegerField(_("price per month (IDR)"), default=0)
    # A year paid at once usually costs less than twelve months; empty means twelve times the monthly price.
    price_yearly = models.PositiveIntegerField(_("price per year (IDR)"), null=True, blank=True,
                                               help_text=_("Empty = 12 × the monthly price."))
    trial_days = models.PositiveSmallIntegerField(
        _("trial days for new workspaces"), default=0,
        help_text=_("New workspaces get this plan free for this many days, then fall back to Free. Set it on one "
                    "public plan; 0 = no trial."))
    max_devices = models.PositiveIntegerField(_("max devices"), null=True, blank=True,
                                              help_text=_("Empty = unlimited."))
    max_contacts = models.PositiveIntegerField(_("max contacts"), null=True, blank=True,
                                               help_text=_("Empty = unlimited."))
    features = models.JSONField(
        _("features"), default=dict, blank=True,
        help_text=_('e.g. {"max_rotators": 50, "max_agents": 5, "daily_messages": 5000, "ai_replies": 1000, '
                    '"max_warming": 2} (ai_replies: AI answers a month; max_warming: numbers on a warm-up ramp at '
                    "once); null means unlimited."))
    warmup_ramp = models.JSONField(
        _("warm-up ramp"), default=list, blank=True,
        help_text=_("Daily caps of a warming number, one a day, e.g. [20, 40, 80, 150, 250]; a day is climbed only "
                    "while the number is healthy. Steps at or above the plan's daily messages are left out. "
                    "Empty = the default ramp."))
    is_public = models.BooleanField(_("shown on the pricing page"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    class Meta:
        ordering = ["sort_order", "price", "pk"]
        verbose_name = _("package")
        verbose_name_plural = _("packages")

    def __str__(self):
        return self.name

    @property
    def is_free(self):
        return self.price == 0

    def clean(self):
        if not isinstance(self.features, dict):
            raise ValidationError({"features": _("Features must be a JSON object.")})
        known = set(FEATURE_KEYS.values())
        unknown = sorted(set(self.features) - known)
        if unknown:
            raise ValidationError({"features": _("Unknown keys %(keys)s; use %(known)s.") % {
                "keys": ", ".join(unknown), "known": ", ".join(sorted(known))}})
        for resource, key in FEATURE_KEYS.items():
            if key not in self.features:
                continue
            value = self.features[key]
            if resource in LEGACY_BOOLEAN_FEATURES and isinstance(value, bool):
                continue
            if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
                raise ValidationError({"features": _("%(key)s must be a whole number of 0 or more, or null "
                                                     "for unlimited.") % {"key": key}})

        self._clean_ramp()

    def _clean_ramp(self):
        ramp = self.warmup_ramp
        if ramp in (None, ""):
            self.warmup_ramp = []
            return
        if (not isinstance(ramp, list) or len(ramp) > RAMP_MAX_DAYS
                or any(isinstance(v, bool) or not isinstance(v, int) or v < 1 for v in ramp)):
            raise ValidationError({"warmup_ramp": _("The ramp must be a list of at most %(days)s whole numbers of 1 "
                                                    "or more, e.g. [20, 40, 80, 150, 250].") % {"days": RAMP_MAX_DAYS}})
        if any(b <= a for a, b in zip(ramp, ramp[1:], strict=False)):
            raise ValidationError({"warmup_ramp": _("Each day of the ramp must allow more than the day before.")})

    @property
    def ramp(self):
        """The warm-up ramp's daily caps, below the plan's daily messages (a number past them is warm)."""
        steps = self.warmup_ramp or DEFAULT_WARMUP_RAMP
        top = self.limit("daily_messages", FREE_LIMITS["daily_messages"])
        return [cap for cap in steps if top is None or cap < top]

    def limit(self, resource, default=None):
        """This plan's limit for a resource: int or None (unlimited)."""
        if resource == "devices":
            return self.max_devices
        if resource == "contacts":
            return self.max_contacts
        key = FEATURE_KEYS.get(resource, resource)
        value = (self.features or {}).get(key, default)
        if resource in LEGACY_BOOLEAN_FEATURES and isinstance(value, bool):
            return None if value else 0
        return value

    def price_for(self, months):
        """What `months` of this plan cost: the yearly price for 12 when the operator set one."""
        if months == 12 and self.price_yearly is not None:
            return self.price_yearly
        return self.price * months


class Subscription(WorkspaceOwned):
    """One line of the ledger (the brief's user_subscriptions): a plan bought for some months."""

    class Status(models.TextChoices):
        PENDING = "PENDING", _("Waiting for payment")
        PAID = "PAID", _("Paid")
        FAILED = "FAILED", _("Failed")
        REFUNDED = "REFUNDED", _("Refunded")

    package = models.ForeignKey(Package, on_delete=models.PROTECT, related_name="subscriptions")
    months = models.PositiveSmallIntegerField(_("months"), default=1)
    amount = models.PositiveIntegerField(_("amount (IDR)"), default=0)
    currency = models.CharField(_("currency"), max_length=3, default="IDR")
    payment_status = models.CharField(_("payment status"), max_length=10, choices=Status.choices,
                                      default=Status.PENDING)
    # Human-readable and unique, e.g. INV-2026-000123: what the payer writes in the transfer description.
    reference = models.CharField(_("invoice reference"), max_length=32, unique=True)
    provider = models.CharField(_("payment method"), max_length=40, default="manual_bank_transfer")
    note = models.CharField(_("note"), max_length=200, blank=True,
                            help_text=_("Shown on the invoice, e.g. which transfer paid it."))
    created_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)
    activated_at = models.DateTimeField(_("activated"), null=True, blank=True)
    starts_at = models.DateTimeField(_("starts"), null=True, blank=True)
    # Null for Free: it never expires.
    expiry_date = models.DateTimeField(_("expires"), null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)
    refunded_at = models.DateTimeField(null=True, blank=True)
    # Set once the expiry beat has handled this line, so running it twice pauses nothing twice.
    lapse_handled_at = models.DateTimeField(null=True, blank=True)
    # Set once the "your trial ends soon" e-mail went out, so the beat never sends it twice.
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    # The payer's proof of transfer (a receipt photo or PDF). Stored under MEDIA_ROOT, which is never served
    # as static files: it goes out only through billing's views (members with billing rights, or staff).
    proof = models.FileField(_("proof of transfer"), upload_to="billing/proofs/%Y/%m/", blank=True,
                             max_length=200)
    # The type read from the file's bytes at upload, and the name the payer's file had (for the download).
    proof_mimetype = models.CharField(max_length=40, blank=True)
    proof_filename = models.CharField(max_length=120, blank=True)
    proof_uploaded_at = models.DateTimeField(_("proof uploaded"), null=True, blank=True)
    proof_uploaded_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL,
                                          related_name="+")

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        indexes = [
            models.Index(fields=["workspace", "payment_status", "activated_at"]),
            models.Index(fields=["payment_status", "expiry_date", "lapse_handled_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(payment_status="PAID") | models.Q(activated_at__isnull=False),
                name="billing_paid_is_activated"),
        ]

    def __str__(self):
        return f"{self.reference} {self.package} x{self.months}"

    @property
    def is_unpaid(self):
        """Still waiting for money: a failed transfer can be retried and confirmed late."""
        return self.payment_status in (self.Status.PENDING, self.Status.FAILED)

    @property
    def proof_waiting(self):
        """A proof is in and an operator has yet to confirm the transfer."""
        return bool(self.proof) and self.is_unpaid

    @property
    def is_trial(self):
        return self.provider == TRIAL_PROVIDER

    @property
    def is_active(self):
        return (self.payment_status == self.Status.PAID
                and (self.expiry_date is None or self.expiry_date > timezone.now()))


class BillingPause(WorkspaceOwned):
    """Something billing switched off when a plan shrank, so it can be switched back on after payment."""

    class Kind(models.TextChoices):
        DEVICE = "device", _("Device stopped broadcasting")

    kind = models.CharField(max_length=20, choices=Kind.choices)
    object_id = models.BigIntegerField()
    paused_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("paused by billing")
        verbose_name_plural = _("paused by billing")
        constraints = [models.UniqueConstraint(fields=["kind", "object_id"], name="billing_pause_once")]


class AIAnswer(WorkspaceOwned):
    """One AI answer counted against the plan's monthly allowance: at most one per inbound message.

    `message_id` is the inbox's inbound message (a plain number: billing sits below inbox and never names it).
    The unique constraint makes the count idempotent: the same message retried finds its row and counts once.
    """

    message_id = models.BigIntegerField()
    # The first day of the month the answer counts in, in the workspace's time zone.
    month = models.DateField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("AI answer")
        verbose_name_plural = _("AI answers")
        indexes = [models.Index(fields=["workspace", "month"])]
        constraints = [models.UniqueConstraint(fields=["workspace", "message_id"], name="billing_ai_answer_once")]


class PaymentAttempt(WorkspaceOwned):
    """One checkout of an invoice at an online gateway (Midtrans Snap, or the local fake in sandbox mode).

    `order_id` is what the gateway knows the payment by and what its notifications name; an invoice may have
    several attempts (an expired one, then a new one), and any one that settles pays the invoice once.
    """

    class Status(models.TextChoices):
        PENDING = "PENDING", _("Waiting for payment")
        PAID = "PAID", _("Paid")
        EXPIRED = "EXPIRED", _("Expired")
        FAILED = "FAILED", _("Failed")
        REFUNDED = "REFUNDED", _("Refunded")

    subscription = models.ForeignKey(Subscription, on_delete=models.PROTECT, related_name="attempts")
    gateway = models.CharField(_("gateway"), max_length=20)
    order_id = models.CharField(_("order id"), max_length=50, unique=True)
    amount = models.PositiveIntegerField(_("amount (IDR)"))
    redirect_url = models.URLField(max_length=500, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    # The gateway's own words for the last notification it sent (settlement, expire, ...), for operators.
    gateway_status = models.CharField(_("gateway status"), max_length=30, blank=True)
    payment_type = models.CharField(_("paid with"), max_length=40, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("online payment")
        verbose_name_plural = _("online payments")

    def __str__(self):
        return self.order_id
