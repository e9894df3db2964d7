"""Every write on API keys: create (the secret is returned once, never stored), revoke, and the cheap marks a
request with a key leaves (last use, the request log)."""
import ipaddress
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.tenancy import get_for_workspace_or_404
from audit.services import audit_record
from config.errors import UserError

from . import keys
from .models import ApiKey, ApiKeyRequest

# last_used_at / last_used_ip change at most this often per key: one UPDATE a minute, not one per request.
LAST_USED_EVERY = timedelta(minutes=1)


class ApiKeyInvalid(UserError):
    code = "api_key_input_invalid"


def apikey_create(*, workspace, actor, name, scopes, expires_at=None, transactional=False):
    """A new key for `workspace`: (the ApiKey, the full key to show once). A `transactional` key's messages are
    orders and codes (no quiet hours, no per-contact limit, opted-out numbers reached)."""
    scopes = sorted(set(scopes or []))
    unknown = [s for s in scopes if s not in keys.SCOPES]
    if not scopes or unknown:
        raise ApiKeyInvalid(_("Choose at least one of the scopes: %(scopes)s.") % {"scopes": ", ".join(keys.SCOPES)},
                            fields={"scopes": _("Choose at least one known scope.")})
    if expires_at is not None and expires_at <= timezone.now():
        raise ApiKeyInvalid(_("The expiry must be in the future."), fields={"expires_at": _("Must be in the future.")})
    secret = keys.new_secret()
    for _attempt in range(5):
        key = ApiKey(workspace=workspace, created_by=actor, name=name.strip(), scopes=scopes, expires_at=expires_at,
                     transactional=bool(transactional), prefix=keys.new_prefix(), secret_hash=keys.secret_hash(secret))
        key.full_clean(exclude=["prefix", "secret_hash"])
        try:
            # The unique prefix decides: a clash (1 in 62^8) tries another rather than checking first.
            with transaction.atomic():
                key.save()
                audit_record(action="apikey.created", workspace=workspace, actor=actor,
                             target=f"{key.prefix} {key.name}", scopes=scopes, transactional=key.transactional)
        except IntegrityError:
            continue
        return key, f"{key.prefix}_{secret}"
    raise IntegrityError("could not find a free API key prefix")


def apikey_revoke(*, workspace, actor, key_id):
    """Revoke the workspace's key `key_id` (404 for another workspace's); revoking twice changes nothing."""
    key = get_for_workspace_or_404(workspace, ApiKey, pk=key_id)
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        with transaction.atomic():
            key.save(update_fields=["revoked_at"])
            audit_record(action="apikey.revoked", workspace=workspace, actor=actor, target=f"{key.prefix} {key.name}")
    return key


def apikey_request_record(*, key, method, path, status, ip, now=None):
    """Mark one request made with `key`: a log row, and last use at most once a minute (a conditional UPDATE, so
    concurrent requests write it once)."""
    now = now or timezone.now()
    try:
        ip = str(ipaddress.ip_address(ip)) if ip else None
    except ValueError:  # a forwarded header that is no address: keep the row, drop the value
        ip = None
    ApiKeyRequest.objects.create(workspace_id=key.workspace_id, key=key, method=method[:8], path=path[:255],
                                 status=status, ip=ip, at=now)
    if key.last_used_at is None or now - key.last_used_at >= LAST_USED_EVERY:
        ApiKey.objects.filter(pk=key.pk).filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lte=now - LAST_USED_EVERY)
        ).update(last_used_at=now, last_used_ip=ip)
