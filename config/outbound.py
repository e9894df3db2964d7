"""The one place that builds HTTP clients for URLs a tenant typed (the assistant's API base URL, webhooks).

A tenant's URL must never make the server reach itself or its neighbours (SSRF): it must be https
(http only when the operator sets OUTBOUND_ALLOW_HTTP) and every address its host resolves to must be
public. The check runs twice: `check_url` when the URL is saved or used (a clear error for the form),
and again on every connection, on the peer address the socket really connected to, because DNS can
answer differently a second later (rebinding). Addresses the operator lists in
OUTBOUND_ALLOWED_NETWORKS (for instance a self-hosted model on the LAN) are let through.

The operator's own URLs (WAHA, OPENAI_BASE_URL) are trusted and do not come through here.
"""
import ipaddress
import logging
import socket
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

from config.errors import UserError

logger = logging.getLogger(__name__)


class OutboundRefused(UserError):
    code = "outbound_refused"


def _allowed_networks():
    return [ipaddress.ip_network(n.strip(), strict=False) for n in settings.OUTBOUND_ALLOWED_NETWORKS if n.strip()]


def address_allowed(address):
    """True for a public unicast address, or one inside an operator-allowed network."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    if any(ip in network for network in _allowed_networks()):
        return True
    # is_global is False for loopback, RFC 1918, link-local (169.254.0.0/16 holds the cloud metadata
    # address), CGNAT, fc00::/7 (fd00::/8), documentation and reserved ranges.
    return ip.is_global and not ip.is_multicast


def _resolve(host, port):
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise OutboundRefused(_("The host %(host)s could not be found. Check the address.") % {"host": host},
                              fields={"base_url": "unresolvable"}) from exc
    return [info[4][0] for info in infos]


def check_url(url, *, field="base_url", schemes=None):
    """Raise OutboundRefused unless `url` is one the server may call for a tenant. `schemes`: those a caller
    accepts beyond the default (a file to download may come over http; what we post to may not)."""
    parts = urlsplit(url or "")
    allowed_schemes = schemes or (("https", "http") if settings.OUTBOUND_ALLOW_HTTP else ("https",))
    if parts.scheme not in allowed_schemes or not parts.hostname:
        raise OutboundRefused(_("Use an https:// address.") if "http" not in allowed_schemes
                              else _("Use an http:// or https:// address."), fields={field: "scheme"})
    port = parts.port or (443 if parts.scheme == "https" else 80)
    refused = [a for a in _resolve(parts.hostname, port) if not address_allowed(a)]
    if refused:
        raise OutboundRefused(
            _("This address points to a private or internal network, which the server may not call. "
              "Use the public address of the service."), fields={field: "private"})
    return url


def _check_peer(sock, host):
    peer = sock.getpeername()[0]
    if not address_allowed(peer):
        sock.close()
        logger.warning("Refused an outbound connection to %s: it resolved to the internal address %s", host, peer)
        raise OutboundRefused(
            _("This address points to a private or internal network, which the server may not call. "
              "Use the public address of the service."), fields={"base_url": "private"})


def httpx_client(*, timeout):
    """An httpx client (the `openai` package's transport) whose every connection is checked on its peer."""
    import httpcore2
    import httpx2

    class GuardedBackend(httpcore2.SyncBackend):
        def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
            stream = super().connect_tcp(host, port, timeout=timeout, local_address=local_address,
                                         socket_options=socket_options)
            _check_peer(stream.get_extra_info("socket"), host)
            return stream

    transport = httpx2.HTTPTransport(trust_env=False)
    # httpx has no public hook for the network backend; the pool is rebuilt with the guarded one.
    transport._pool = httpcore2.ConnectionPool(ssl_context=transport._pool._ssl_context,
                                               network_backend=GuardedBackend())
    # trust_env=False: an HTTP(S)_PROXY in the environment would otherwise be the peer that is checked.
    return httpx2.Client(transport=transport, timeout=timeout, trust_env=False, follow_redirects=False)


def requests_session():
    """A requests session for a tenant's URL: no proxy from the environment, and every connection checked on
    the address it really reached. Call it with allow_redirects=False: a redirect is an answer to record, not
    a second address to trust (it would be checked on connect all the same)."""
    import requests
    from requests.adapters import HTTPAdapter
    from urllib3.connection import HTTPConnection, HTTPSConnection
    from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

    class _Checked:
        def _new_conn(self):
            sock = super()._new_conn()
            _check_peer(sock, self.host)
            return sock

    class CheckedHTTP(_Checked, HTTPConnection):
        pass

    class CheckedHTTPS(_Checked, HTTPSConnection):
        pass

    class CheckedHTTPPool(HTTPConnectionPool):
        ConnectionCls = CheckedHTTP

    class CheckedHTTPSPool(HTTPSConnectionPool):
        ConnectionCls = CheckedHTTPS

    class CheckedAdapter(HTTPAdapter):
        def init_poolmanager(self, *args, **kwargs):
            super().init_poolmanager(*args, **kwargs)
            self.poolmanager.pool_classes_by_scheme = {"http": CheckedHTTPPool, "https": CheckedHTTPSPool}

    session = requests.Session()
    session.trust_env = False  # an HTTP(S)_PROXY would otherwise be the peer that is checked
    for scheme in ("http://", "https://"):
        session.mount(scheme, CheckedAdapter())
    return session
