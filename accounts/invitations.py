"""Invitations: an owner asks someone by email to join the workspace as an agent.

The token in the link is the secret (48 random bytes, URL-safe); it works once, until `expires_at`.
A pending invitation holds an agent seat, so an owner on a plan with one agent cannot invite five.
"""
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .tenancy import WorkspaceOwned, WorkspaceQuerySet


def new_token():
    return secrets.token_urlsafe(48)


def default_expiry():
    return timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS)


class InvitationQuerySet(WorkspaceQuerySet):
    def pending(self, now=None):
        return self.filter(accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now or timezone.now())


class Invitation(WorkspaceOwned):
    email = models.EmailField(_("email"))
    token = models.CharField(max_length=80, unique=True, default=new_token, editable=False)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(default=default_expiry)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        indexes = [models.Index(fields=["workspace", "email"])]

    def __str__(self):
        return f"{self.email} → {self.workspace_id}"

    @property
    def is_pending(self):
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > timezone.now()

    @property
    def path(self):
        return f"/invite/{self.token}/"

    @property
    def link(self):
        return settings.SITE_URL + self.path
