"""One audit entry: a sensitive action, who did it, when, and from which address and browser."""
from django.conf import settings
from django.db import models
from django.utils import timezone

from accounts.tenancy import WorkspaceQuerySet

from . import actions


class AuditEntry(models.Model):
    # Null for what belongs to no workspace: an operator's sign-in, a failed one for an unknown address.
    workspace = models.ForeignKey("accounts.Workspace", null=True, blank=True, on_delete=models.CASCADE,
                                  related_name="+")
    # SET_NULL: the row outlives the person; actor_label keeps who it was.
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    actor_label = models.CharField(max_length=150, blank=True)
    # No choices: the catalogue (actions.py) grows without a migration each time.
    action = models.CharField(max_length=40)
    target = models.CharField(max_length=200, blank=True)
    details = models.JSONField(default=dict, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    # accounts' one tenancy mechanism: for_workspace(None) is nothing, never everything.
    objects = WorkspaceQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["workspace", "created_at"], name="audit_ws_created"),
                   models.Index(fields=["workspace", "action", "created_at"], name="audit_ws_action_created")]
        verbose_name = "audit entry"
        verbose_name_plural = "audit entries"

    def __str__(self):
        return f"{self.action} {self.target}".strip()

    @property
    def action_label(self):
        return actions.label(self.action)
