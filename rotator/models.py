"""Link rotators: a public slug, the WhatsApp numbers behind it, and the clicks it received.

Clicks arrive in Redis first (see `clicks.py`) and are written here in batches by a beat task; `Click`
keeps one row per visit for referrers and audits, `DailyClicks` keeps per-day, per-number totals so the
statistics pages never scan the click table for charts.
"""
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.tenancy import WorkspaceOwned

from .slugs import validate_slug

# One link spreads visitors over at most this many numbers (a page of inputs, and a bounded cache entry).
MAX_NUMBERS_PER_LINK = 50


class LinkRotator(WorkspaceOwned):
    class Mode(models.TextChoices):
        RANDOM = "RANDOM", _("Random")
        SEQUENTIAL = "SEQUENTIAL", _("Sequential (round-robin)")
        WEIGHTED = "WEIGHTED", _("Weighted")

    name = models.CharField(_("name"), max_length=80, blank=True, help_text=_("Only you see it, e.g. 'June ads'."))
    # Stored lower-case: the public URL is case-insensitive and unique across the whole site.
    slug = models.CharField(_("slug"), max_length=50, unique=True, validators=[validate_slug],
                            help_text=_("The end of the public link: letters, digits and dashes."))
    mode = models.CharField(_("mode"), max_length=12, choices=Mode.choices, default=Mode.SEQUENTIAL)
    text = models.TextField(_("pre-filled message"), blank=True, max_length=1000,
                            help_text=_("Typed into WhatsApp for the visitor. Spintax such as {Hi|Hello} gives "
                                        "each visitor a variant."))
    is_active = models.BooleanField(_("active"), default=True)
    only_connected = models.BooleanField(
        _("only connected numbers"), default=False,
        help_text=_("Send visitors only to numbers whose device is connected right now (all numbers when none is)."))
    click_count = models.PositiveBigIntegerField(_("clicks"), default=0)
    bot_click_count = models.PositiveBigIntegerField(_("link-preview bot visits"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("link rotator")
        verbose_name_plural = _("link rotators")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.name or self.slug

    def save(self, *args, **kwargs):
        self.slug = (self.slug or "").lower()
        super().save(*args, **kwargs)


class RotatorNumber(WorkspaceOwned):
    rotator = models.ForeignKey(LinkRotator, on_delete=models.CASCADE, related_name="numbers")
    # E.164 digits without '+', exactly what wa.me expects.
    phone = models.CharField(_("WhatsApp number"), max_length=20)
    weight = models.PositiveIntegerField(_("weight"), default=1,
                                         help_text=_("Weighted mode: a number with weight 3 gets 3× the visitors "
                                                     "of one with weight 1."))
    device = models.ForeignKey("devices.Device", on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="+", verbose_name=_("device"),
                               help_text=_("The device behind this number, for 'only connected numbers'."))
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["rotator", "phone"], name="rotator_number_unique_phone"),
            models.CheckConstraint(condition=models.Q(weight__gte=1) & models.Q(weight__lte=1000),
                                   name="rotator_number_weight_range"),
        ]

    def __str__(self):
        return f"+{self.phone}"


class Click(WorkspaceOwned):
    class Agent(models.TextChoices):
        MOBILE = "mobile", _("Mobile")
        DESKTOP = "desktop", _("Desktop")
        BOT = "bot", _("Bot")
        OTHER = "other", _("Other")

    # Made on the request path; unique so a batch flushed twice is written once.
    uid = models.CharField(max_length=32, unique=True)
    rotator = models.ForeignKey(LinkRotator, on_delete=models.CASCADE, related_name="clicks")
    number = models.ForeignKey(RotatorNumber, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    phone = models.CharField(max_length=20, blank=True)  # kept when the number is later removed
    at = models.DateTimeField(db_index=True)
    referrer = models.CharField(max_length=300, blank=True)
    referrer_host = models.CharField(max_length=120, blank=True)
    agent = models.CharField(max_length=8, choices=Agent.choices, default=Agent.OTHER)
    is_preview_bot = models.BooleanField(default=False)

    class Meta:
        indexes = [models.Index(fields=["rotator", "at"])]


class DailyClicks(WorkspaceOwned):
    """Visitors and bot visits per link, day (in the workspace's time zone) and number: what the charts read."""

    rotator = models.ForeignKey(LinkRotator, on_delete=models.CASCADE, related_name="daily")
    day = models.DateField()
    phone = models.CharField(max_length=20)
    clicks = models.PositiveIntegerField(default=0)
    bot_clicks = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["rotator", "day", "phone"], name="rotator_daily_unique")]
