"""Inbox data: conversations (Chat) and their messages, keyword auto-replies, quick replies, and the
AI assistant's knowledge base and per-workspace settings.

A Chat is one customer on one device: the same phone writing to two of the workspace's numbers is two
chats. Messages are keyed by WhatsApp's short id per device (API.md §3: the chat part of a serialized
id flips between @c.us and @lid), which is also what makes a webhook delivered twice store one row.
"""
import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.tenancy import WorkspaceOwned

# Chat.bot_paused_until for "paused until someone resumes it" (AssistantSettings.bot_pause_minutes = 0): a
# date no pause reaches, so "is it paused?" stays one comparison. MariaDB's DATETIME ends at 9999-12-31.
PAUSED_UNTIL_RESUMED = datetime.datetime(9999, 1, 1, tzinfo=datetime.UTC)
MAX_BOT_PAUSE_MINUTES = 7 * 24 * 60


class Chat(WorkspaceOwned):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        # Waiting on someone (the customer, a colleague): out of the open list until the customer writes.
        PENDING = "pending", _("Pending")
        RESOLVED = "resolved", _("Resolved")
        # Out of the way until snoozed_until (the beat reopens it) or until the customer writes.
        SNOOZED = "snoozed", _("Snoozed")

    class Kind(models.TextChoices):
        DIRECT = "direct", _("Direct")
        GROUP = "group", _("Group")
        STATUS = "status", _("Status broadcast")

    device = models.ForeignKey("devices.Device", on_delete=models.CASCADE, related_name="chats")
    # E.164 digits for a customer; for a group the group id's user part; for a hidden number whose
    # LID could not be resolved, the LID digits (phone_known=False) until a later message resolves it.
    phone = models.CharField(_("phone"), max_length=64)
    phone_known = models.BooleanField(default=True)
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.DIRECT)
    name = models.CharField(_("name"), max_length=200, blank=True)
    contact = models.ForeignKey("contacts.Contact", on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="chats")
    # The customer's @lid address, cached so later @lid messages join this chat without a WAHA call.
    lid = models.CharField(max_length=64, blank=True, db_index=True)
    bot_enabled = models.BooleanField(_("bot on"), default=True)
    # Set when a person answered (from Sebar or from the phone): keyword rules and the assistant stay quiet
    # in this chat until then. Opt-out words still work.
    bot_paused_until = models.DateTimeField(null=True, blank=True)
    needs_human = models.BooleanField(_("needs a human"), default=False)
    handoff_reason = models.CharField(max_length=200, blank=True)
    assigned_to = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="assigned_chats")
    unread_count = models.PositiveIntegerField(default=0)
    last_message_at = models.DateTimeField(null=True, blank=True, db_index=True)
    last_message_preview = models.CharField(max_length=120, blank=True)
    # When the customer last wrote. A thread that only holds our broadcasts has none and stays out of the
    # inbox's default view: the inbox is for conversations, not for every recipient of a campaign.
    customer_wrote_at = models.DateTimeField(null=True, blank=True)
    # Set when the opt-out confirmation was sent, so a customer repeating STOP gets one answer.
    opt_out_confirmed_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    snoozed_until = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    # The rating question went (on resolving, when the workspace asks it): the customer's next message, if it is
    # a 1-5, is their answer, stored here and not a new conversation. Cleared when the chat reopens.
    rating_asked_at = models.DateTimeField(null=True, blank=True)
    rating = models.PositiveSmallIntegerField(null=True, blank=True,
                                              validators=[MinValueValidator(1), MaxValueValidator(5)])
    rated_at = models.DateTimeField(null=True, blank=True)
    labels = models.ManyToManyField("inbox.Label", blank=True, related_name="chats")
    # The out-of-office reply went at this time: once per closed period (inbox.greetings claims it).
    away_sent_at = models.DateTimeField(null=True, blank=True)
    welcome_sent_at = models.DateTimeField(null=True, blank=True)
    # The rotator found nobody free for this new chat: it waits unassigned since then, and the first agent who
    # becomes free gets it (inbox.rotation). Cleared by any assignment.
    awaiting_agent_since = models.DateTimeField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["device", "phone"], name="inbox_chat_unique_device_phone")]
        indexes = [models.Index(fields=["workspace", "-last_message_at"]), models.Index(fields=["workspace", "phone"]),
                   # The beat's wake-up reads only snoozed chats that are due.
                   models.Index(fields=["status", "snoozed_until"])]

    def __str__(self):
        return self.name or self.phone

    @property
    def display_name(self):
        if self.contact_id and self.contact.name:
            return self.contact.name
        return self.name or (f"+{self.phone}" if self.phone_known and self.kind == self.Kind.DIRECT else self.phone)

    @property
    def bot_paused(self):
        return self.bot_paused_until is not None and self.bot_paused_until > timezone.now()

    @property
    def bot_paused_until_resumed(self):
        return self.bot_paused_until is not None and self.bot_paused_until >= PAUSED_UNTIL_RESUMED

    @property
    def chat_jid(self):
        """The address WAHA sends to."""
        if self.kind == self.Kind.GROUP:
            return f"{self.phone}@g.us"
        if not self.phone_known and self.lid:
            return self.lid
        return f"{self.phone}@c.us"


def closed_week():
    """A week with no open day: seven nulls, Monday first."""
    return [None] * 7


class BusinessHours(WorkspaceOwned):
    """When the workspace answers (one row, created on first use), and what the bot says meanwhile.

    `week` holds seven days, Monday first, each null (closed) or ["09:00", "17:00"] in the workspace's own zone;
    `holidays` a list of {"date": "2026-12-25", "name": "..."}, closed all day. inbox.hours reads them."""

    workspace = models.OneToOneField("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    enabled = models.BooleanField(_("use business hours"), default=False)
    week = models.JSONField(default=closed_week)
    holidays = models.JSONField(default=list, blank=True)
    away_message = models.TextField(
        _("out-of-office reply"), blank=True,
        help_text=_("Sent once per chat each time you are closed. Empty sends none."))
    welcome_message = models.TextField(
        _("welcome message"), blank=True,
        help_text=_("Sent to a customer writing to you for the first time. Empty sends none."))
    waiting_message = models.TextField(
        _("“we will reply soon” message"), blank=True,
        help_text=_("Sent to a new chat when you are open but no agent is free. Empty sends none."))

    def __str__(self):
        return f"Business hours of {self.workspace_id}"


class AgentAvailability(WorkspaceOwned):
    """What the rotator knows of one member besides presence (Membership.is_online and last_seen_at): how many
    open chats they take at most and their own working hours. No row: no limit, the workspace's hours."""

    membership = models.OneToOneField("accounts.Membership", on_delete=models.CASCADE, related_name="availability")
    # 0 = no limit.
    capacity = models.PositiveSmallIntegerField(_("open chats at most"), default=0,
                                                validators=[MaxValueValidator(1000)])
    # Null: the workspace's business hours (always, when it has none); else seven days as BusinessHours.week.
    week = models.JSONField(null=True, blank=True)

    def __str__(self):
        return f"Availability of membership {self.membership_id}"


class Label(WorkspaceOwned):
    """A coloured tag an owner defines and anyone in the inbox puts on chats ("VIP", "Complaint")."""

    class Colour(models.TextChoices):
        # A fixed palette: each is a CSS class (label-<colour>), so no colour is ever an inline style.
        GRAY = "gray", _("Gray")
        RED = "red", _("Red")
        ORANGE = "orange", _("Orange")
        YELLOW = "yellow", _("Yellow")
        GREEN = "green", _("Green")
        TEAL = "teal", _("Teal")
        BLUE = "blue", _("Blue")
        PURPLE = "purple", _("Purple")
        PINK = "pink", _("Pink")

    name = models.CharField(_("name"), max_length=40)
    colour = models.CharField(_("colour"), max_length=8, choices=Colour.choices, default=Colour.GRAY)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [models.UniqueConstraint(fields=["workspace", "name"], name="inbox_label_unique_name")]

    def __str__(self):
        return self.name


class ChatEvent(WorkspaceOwned):
    """What happened in a chat besides messages: private notes, assignments, status changes. Shown in the
    conversation between the messages; never sent to WhatsApp."""

    class Kind(models.TextChoices):
        NOTE = "note", _("Note")
        ASSIGNED = "assigned", _("Assigned")
        STATUS = "status", _("Status")

    # Recognised in templates among Message rows (a timeline holds both).
    is_chat_event = True

    chat = models.ForeignKey(Chat, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    # Who wrote the note or made the change; null for Sebar itself (the rotator, a snooze ending).
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="+")
    text = models.TextField(blank=True)
    assigned_to = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    status = models.CharField(max_length=10, choices=Chat.Status.choices, blank=True)
    timestamp = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["chat", "-timestamp"])]

    def __str__(self):
        return f"{self.kind}: {self.text[:40]}"


class ChatMention(WorkspaceOwned):
    """A teammate @mentioned in a note: the chat is in their Mentions list, unseen until they open it."""

    event = models.ForeignKey(ChatEvent, on_delete=models.CASCADE, related_name="mentions")
    chat = models.ForeignKey(Chat, on_delete=models.CASCADE, related_name="mentions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="chat_mentions")
    seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["event", "user"], name="inbox_mention_unique_event_user")]
        indexes = [models.Index(fields=["user", "seen_at"])]


def _media_path(instance, filename):
    return f"inbox/{instance.workspace_id}/{instance.chat_id}/{filename}"


class Message(WorkspaceOwned):
    class Direction(models.TextChoices):
        IN = "in", _("Received")
        OUT = "out", _("Sent")

    class Sender(models.TextChoices):
        CUSTOMER = "customer", _("Customer")
        BOT = "bot", _("Bot")
        AGENT = "agent", _("Agent")
        CAMPAIGN = "campaign", _("Campaign")

    class SendState(models.TextChoices):
        NONE = "", _("Not ours to send")
        # "Send later": waits for send_at; the send claims it from here once due (replies.message_send).
        SCHEDULED = "scheduled", _("Scheduled")
        CANCELLED = "cancelled", _("Cancelled")
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    chat = models.ForeignKey(Chat, on_delete=models.CASCADE, related_name="messages")
    device = models.ForeignKey("devices.Device", on_delete=models.CASCADE, related_name="+")
    direction = models.CharField(max_length=3, choices=Direction.choices)
    sender = models.CharField(max_length=10, choices=Sender.choices)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="+")
    text = models.TextField(blank=True)
    media = models.FileField(upload_to=_media_path, blank=True, max_length=300)
    media_type = models.CharField(max_length=16, blank=True)  # image, video, audio, document
    media_mimetype = models.CharField(max_length=100, blank=True)
    media_filename = models.CharField(max_length=200, blank=True)
    # WAHA's media.url, kept only until the file is copied (WAHA deletes it after ~3 minutes).
    media_remote_url = models.CharField(max_length=500, blank=True)
    waha_id = models.CharField(max_length=200, blank=True)
    short_id = models.CharField(max_length=100, null=True, blank=True)
    # -1 ERROR, 0 PENDING, 1 SERVER, 2 DEVICE, 3 READ, 4 PLAYED (API.md §6); null before the send.
    ack = models.SmallIntegerField(null=True, blank=True)
    send_state = models.CharField(max_length=10, choices=SendState.choices, default=SendState.NONE, blank=True)
    # When a person asked it to go ("send later"); null for a message sent at once. Kept after it went.
    send_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)
    # Which keyword rule or "assistant"/"faq"/"opt_out" produced a bot reply; on an inbound message,
    # "assistant" once the assistant took it (its claim: one answer per message).
    reply_source = models.CharField(max_length=40, blank=True)
    timestamp = models.DateTimeField(db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            # NULLs are distinct on SQLite and MariaDB alike, so unsent rows never collide.
            models.UniqueConstraint(fields=["device", "short_id"], name="inbox_message_unique_device_short_id"),
        ]
        indexes = [models.Index(fields=["chat", "-timestamp"]), models.Index(fields=["chat", "sender", "created_at"]),
                   # The sweep of QUEUED rows (replies.messages_requeue) reads only those, every minute.
                   models.Index(fields=["send_state", "created_at"]),
                   # Analytics recounts one day of a workspace's messages (analytics/rollup.py).
                   models.Index(fields=["workspace", "created_at"], name="inbox_message_ws_created")]

    def __str__(self):
        return f"{self.get_direction_display()}: {self.text[:40]}"

    @property
    def ack_name(self):
        return {-1: "error", 0: "pending", 1: "server", 2: "device", 3: "read", 4: "played"}.get(self.ack, "")


class AutoReply(WorkspaceOwned):
    class MatchType(models.TextChoices):
        EXACT = "EXACT", _("Exact message")
        CONTAINS = "CONTAINS", _("Contains")
        STARTS_WITH = "STARTS_WITH", _("Starts with")
        REGEX = "REGEX", _("Regular expression")

    keyword = models.CharField(_("keyword"), max_length=300)
    match_type = models.CharField(_("match type"), max_length=12, choices=MatchType.choices,
                                  default=MatchType.CONTAINS)
    response_text = models.TextField(_("response"), help_text=_("Spintax {Hi|Hello} and [name] work here."))
    media = models.FileField(_("media"), upload_to="inbox/autoreplies/", blank=True, max_length=300)
    priority = models.IntegerField(_("priority"), default=100, help_text=_("Lower numbers are checked first."))
    devices = models.ManyToManyField("devices.Device", blank=True, related_name="+", verbose_name=_("devices"),
                                     help_text=_("Leave empty to answer on every number."))
    is_active = models.BooleanField(_("active"), default=True)
    hit_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["priority", "pk"]
        verbose_name = _("auto-reply")
        verbose_name_plural = _("auto-replies")

    def __str__(self):
        return f"{self.get_match_type_display()}: {self.keyword}"

    @property
    def media_path(self):
        """The brief's column name."""
        return self.media.name if self.media else ""


class QuickReply(WorkspaceOwned):
    """A saved answer an agent inserts into the composer."""

    title = models.CharField(_("title"), max_length=80)
    text = models.TextField(_("text"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return self.title


class KnowledgeSource(WorkspaceOwned):
    class Kind(models.TextChoices):
        TEXT = "text", _("Text")
        FAQ = "faq", _("Question and answer")
        FILE = "file", _("File")

    class Status(models.TextChoices):
        PENDING = "pending", _("Processing")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"), blank=True, help_text=_("The text, or the answer of a question."))
    question = models.CharField(_("question"), max_length=500, blank=True)
    file = models.FileField(_("file"), upload_to="inbox/knowledge/", blank=True, max_length=300)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    last_error = models.CharField(max_length=300, blank=True)
    # Whether the chunks carry embeddings (an API key was configured when it was indexed).
    embedded = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return self.title


class KnowledgeChunk(WorkspaceOwned):
    source = models.ForeignKey(KnowledgeSource, on_delete=models.CASCADE, related_name="chunks")
    position = models.PositiveIntegerField(default=0)
    text = models.TextField()
    # float32 little-endian vector, L2-normalised at write time so retrieval is one dot product.
    embedding = models.BinaryField(null=True, blank=True)

    class Meta:
        ordering = ["source", "position"]


class AssistantSettings(WorkspaceOwned):
    """Inbox and assistant settings of one workspace (one row, created on first use)."""

    workspace = models.OneToOneField("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    ai_enabled = models.BooleanField(_("AI assistant on"), default=True)
    instructions = models.TextField(
        _("instructions"), blank=True,
        help_text=_("Tone, language, and what the assistant must never promise (prices, discounts, dates...)."))
    min_similarity = models.FloatField(
        _("minimum similarity"), default=0.35,
        help_text=_("Below this the assistant does not guess and hands the chat to a person (0-1)."))
    faq_min_score = models.FloatField(
        _("minimum FAQ score"), default=1.0,
        help_text=_("Keyword (BM25) score an FAQ answer needs when no AI key is set."))
    bot_replies_per_hour = models.PositiveIntegerField(
        _("bot replies per chat per hour"), default=5,
        help_text=_("Stops loops with other bots: after this many bot replies in an hour the bot waits."))
    bot_pause_minutes = models.PositiveIntegerField(
        _("bot pause after a person answers (minutes)"), default=120,
        validators=[MaxValueValidator(MAX_BOT_PAUSE_MINUTES)],
        help_text=_("When an agent or the phone answers a customer, the bot stays quiet in that chat this long. "
                    "0 keeps it quiet until someone resumes it."))
    include_groups = models.BooleanField(_("show group chats"), default=False)
    include_status = models.BooleanField(_("show status broadcasts"), default=False)
    cs_rotator_enabled = models.BooleanField(
        _("assign new chats round-robin"), default=False,
        help_text=_("New chats go in turn to the agents who are online."))
    last_assigned_user_id = models.IntegerField(null=True, blank=True)
    rating_enabled = models.BooleanField(
        _("ask for a rating when a chat is resolved"), default=False,
        help_text=_("The customer gets a short question and may answer 1 to 5; the answer is kept on the chat."))
    rating_question = models.CharField(
        _("rating question"), max_length=300, blank=True,
        help_text=_("Empty uses: How did we do? Reply with a number from 1 (bad) to 5 (great)."))
    base_url = models.URLField(_("API base URL"), blank=True, help_text=_("Empty uses the server's setting."))
    chat_model = models.CharField(_("chat model"), max_length=100, blank=True)
    embedding_model = models.CharField(_("embedding model"), max_length=100, blank=True)
    api_key = models.CharField(_("API key"), max_length=300, blank=True)
    # Bumped on every knowledge-base change; the Redis index is keyed on it so stale ones are never read.
    kb_version = models.PositiveIntegerField(default=1)

    def __str__(self):
        return f"Assistant settings of {self.workspace_id}"
