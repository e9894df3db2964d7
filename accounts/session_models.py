"""The account's signed-in places: each browser session and each API client (a chain of refresh tokens).

Rows are for listing and ending them (accounts/session_tracking.py). They never let anyone in by themselves: a
session is Django's, a token is simplejwt's; a row whose `token_version` is behind the user's belongs to a session
or token that a password change or "log out everywhere" already ended, and is not shown.
"""
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class WebSession(models.Model):
    # In the session as SESSION_ID_KEY and in the page's revoke link; the session key itself never leaves the server.
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="web_sessions")
    # The session store's key, to delete the session when the member ends it from another device. Django gives a
    # session a new key at a password change; the middleware follows it.
    session_key = models.CharField(max_length=40, db_index=True)
    user_agent = models.CharField(max_length=300, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    token_version = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("web session")
        verbose_name_plural = _("web sessions")
        indexes = [models.Index(fields=["user", "last_seen_at"])]

    def __str__(self):
        return f"{self.user} web {self.public_id}"


class ApiSession(models.Model):
    """One API login: the refresh tokens it is traded for carry `public_id` as their `fam` claim."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_sessions")
    # The jti of the chain's current refresh token (the one that still works): ending the chain blacklists it.
    jti = models.CharField(max_length=255)
    user_agent = models.CharField(max_length=300, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    token_version = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()

    class Meta:
        verbose_name = _("API session")
        verbose_name_plural = _("API sessions")
        indexes = [models.Index(fields=["user", "expires_at"])]

    def __str__(self):
        return f"{self.user} api {self.public_id}"
