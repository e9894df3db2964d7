"""Users (email is the login), workspaces (the tenant: one paying account) and memberships (roles)."""
import uuid
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from .tenancy import WorkspaceOwned, WorkspaceQuerySet
from .workspace_settings import default_language, language_choices, validate_region, validate_time_zone


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An email address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in. Platform admins (operators) are `is_staff`; tenant roles live on Membership."""

    email = models.EmailField(_("email"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    is_staff = models.BooleanField(_("platform admin"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    language = models.CharField(_("language"), max_length=10, blank=True)
    # When the person proved they read `email` (the link sent at sign-up or for a new address); None until then.
    email_verified_at = models.DateTimeField(_("email verified at"), null=True, blank=True)
    # Every API token carries the version it was issued under; bumping it ends them all (accounts/tokens.py).
    token_version = models.PositiveIntegerField(default=0, editable=False)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.email

    def get_full_name(self):
        return self.full_name or self.email

    def get_short_name(self):
        return (self.full_name or self.email).split(" ")[0]

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        # What is_active was when read, so save() can tell a deactivation (None when the field was deferred).
        instance._loaded_active = instance.__dict__.get("is_active")
        return instance

    def set_unusable_password(self):
        super().set_unusable_password()
        self._password_removed = True

    def save(self, *args, **kwargs):
        # Django sets _password only for a real change (set_password), not for a hash upgrade at login.
        changed = self.pk is not None and (self._password is not None or getattr(self, "_password_removed", False))
        # A member deactivated (in the admin) loses every session and token at once, and they stay dead if the
        # account is turned on again later.
        deactivated = self.pk is not None and getattr(self, "_loaded_active", None) is True and not self.is_active
        super().save(*args, **kwargs)
        self._loaded_active = self.is_active
        if changed or deactivated:
            # A new password ends every API token and every other session, wherever it was set
            # (the account page, the admin, a shell).
            self._password_removed = False
            self.token_version_bump()

    def token_version_bump(self):
        """End every API token (and, through the session hash, every session) this user holds: see
        accounts/tokens.py. F() so two revocations at once both count; this object follows, so tokens or a
        session hash made from it afterwards carry the new version."""
        type(self).objects.filter(pk=self.pk).update(token_version=models.F("token_version") + 1)
        self.refresh_from_db(fields=["token_version"])

    def _get_session_auth_hash(self, secret=None):
        # Django signs each session with a hash of the password; mixing in the token version makes
        # "log out everywhere" and removal from the workspace end the sessions too. Version 0 hashes
        # exactly as Django does, so sessions made before this field existed stay valid.
        if not self.token_version:
            return super()._get_session_auth_hash(secret=secret)
        key_salt = "django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash"
        return salted_hmac(key_salt, f"{self.password}:{self.token_version}", secret=secret,
                           algorithm="sha256").hexdigest()


def _default_tz():
    return settings.DEFAULT_WORKSPACE_TIME_ZONE


def zone_named(name):
    """The ZoneInfo for a workspace's time zone name; UTC when it is empty or unknown (a bad name typed in
    the admin must not stop sending or counting)."""
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


class Workspace(models.Model):
    """The tenant: one paying account. Every tenant-owned row points here."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=120)
    time_zone = models.CharField(_("time zone"), max_length=64, default=_default_tz, validators=[validate_time_zone])
    # Region used to read phone numbers written without a country code.
    default_region = models.CharField(_("default phone region"), max_length=2, default="ID",
                                      validators=[validate_region])
    # The language Sebar writes to the workspace's customers in and makes its stored values in (tags and
    # sources it creates), whatever language the member or the worker that triggers it uses.
    language = models.CharField(_("language"), max_length=10, choices=language_choices, default=default_language)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("workspace")
        verbose_name_plural = _("workspaces")

    def __str__(self):
        return self.name

    @property
    def zone(self):
        return zone_named(self.time_zone)


class Membership(WorkspaceOwned):
    """A user's place in a workspace. A user belongs to exactly one workspace."""

    class Role(models.TextChoices):
        OWNER = "owner", _("Owner")
        AGENT = "agent", _("Agent")

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership")
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="memberships")
    objects = WorkspaceQuerySet.as_manager()
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.AGENT)
    # Agents mark themselves online to receive new chats from the CS rotator.
    is_online = models.BooleanField(_("online"), default=False)
    last_seen_at = models.DateTimeField(null=True, blank=True)
    # The dashboard's first-steps checklist is gone for this member from then on: dismissed, or seen with
    # every step done (so a number that disconnects later does not bring the beginner's list back).
    first_steps_hidden_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        indexes = [models.Index(fields=["workspace", "role"])]

    def __str__(self):
        return f"{self.user} ({self.get_role_display()}) in {self.workspace}"

    @property
    def is_owner(self):
        return self.role == self.Role.OWNER


# Lives in its own module (team feature); imported here so Django registers the model.
from .invitations import Invitation  # noqa: E402,F401
from .otp import RecoveryCode, TwoFactor  # noqa: E402,F401
from .session_models import ApiSession, WebSession  # noqa: E402,F401
