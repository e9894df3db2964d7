"""Two-factor sign-in records: a member's authenticator secret (TOTP) and their one-time recovery codes.

The writes and checks live in accounts/two_factor.py; these are only the rows.
"""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TwoFactor(models.Model):
    """An authenticator app confirmed by a first good code. No row: the account signs in with its password alone."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="two_factor")
    # Base32, as authenticator apps read it from the QR code. Kept readable (like django-otp's TOTPDevice): the
    # server must compute the codes, and whoever reads this table has the password hashes and sessions beside it.
    secret = models.CharField(max_length=64)
    # The last 30-second step a code was accepted for: a code works once, even inside its own window.
    last_step = models.BigIntegerField(default=0)
    confirmed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("two-factor sign-in")
        verbose_name_plural = _("two-factor sign-ins")

    def __str__(self):
        return str(self.user)


class RecoveryCode(models.Model):
    """A code that replaces the authenticator once, for a lost phone. Only its SHA-256 is stored: the codes carry
    80 random bits, so a fast hash cannot be reversed by guessing (a slow one would cost seconds per sign-in)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="recovery_codes")
    code_hash = models.CharField(max_length=64)
    used_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("recovery code")
        verbose_name_plural = _("recovery codes")
        constraints = [models.UniqueConstraint(fields=["user", "code_hash"], name="recovery_code_unique_per_user")]

    def __str__(self):
        return f"{self.user} ({'used' if self.used_at else 'unused'})"
