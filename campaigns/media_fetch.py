"""An attachment the Send API fetches from a URL the caller gave (`media_url`), with the SSRF guard of
config/outbound.py: http(s) only, every address of the host public (unless the operator allows its network), the
peer checked again on connect (DNS rebinding), each redirect checked as a new URL (at most `MAX_REDIRECTS`), short
timeouts, and at most the attachment limit read (campaigns/media.py), whatever Content-Length says.
"""
import mimetypes
import os
from urllib.parse import unquote, urljoin, urlsplit

import requests
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from config import outbound
from config.errors import UserError

from .media import DOCUMENT_MAX_BYTES, DOCUMENT_TYPES, IMAGE_MAX_BYTES, IMAGE_TYPES, kind_of

MAX_REDIRECTS = 3
TIMEOUT = (3.05, 10)  # connect, read: a slow server fails the request instead of holding the worker
MAX_BYTES = max(IMAGE_MAX_BYTES, DOCUMENT_MAX_BYTES)
_EXTENSION_OF = {mime: ext for ext, mime in {**DOCUMENT_TYPES, **IMAGE_TYPES}.items()}


class MediaFetchError(UserError):
    code = "media_fetch_failed"


def _refused(message, reason):
    return MediaFetchError(message, fields={"media_url": reason})


def fetch(url):
    """The file at `url` as a ContentFile named with its extension; MediaFetchError (or OutboundRefused for a
    private address) says what is wrong."""
    session = outbound.requests_session()
    try:
        for _hop in range(MAX_REDIRECTS + 1):
            outbound.check_url(url, field="media_url", schemes=("http", "https"))
            try:
                response = session.get(url, stream=True, timeout=TIMEOUT, allow_redirects=False)
            except requests.RequestException as exc:
                raise _refused(_("The file at media_url could not be fetched: %(error)s.")
                               % {"error": exc.__class__.__name__}, "unreachable") from exc
            with response:
                if response.is_redirect:
                    url = urljoin(url, response.headers.get("Location", ""))
                    continue
                return _body(url, response)
        raise _refused(_("media_url redirects more than %(n)s times.") % {"n": MAX_REDIRECTS}, "redirects")
    finally:
        session.close()


def _body(url, response):
    if response.status_code != 200:
        raise _refused(_("The server of media_url answered %(code)s instead of the file.")
                       % {"code": response.status_code}, "status")
    name = _name(url, response.headers.get("Content-Type", ""))
    limit = IMAGE_MAX_BYTES if kind_of(name) == "image" else DOCUMENT_MAX_BYTES
    too_large = _refused(_("The file at media_url is larger than %(mb)s MB.") % {"mb": limit // 1048576}, "too_large")
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > limit:
        raise too_large
    data = bytearray()
    for chunk in response.iter_content(64 * 1024):
        data += chunk
        if len(data) > limit:
            raise too_large  # a server that lies about its length (or sends none) is cut off here
    return ContentFile(bytes(data), name=name)


def _name(url, content_type):
    """A file name whose extension says what the file is: the URL's, else the one of its Content-Type."""
    base = os.path.basename(unquote(urlsplit(url).path)) or "file"
    if kind_of(base):
        return base[-100:]
    mime = content_type.split(";", 1)[0].strip().lower()
    ext = _EXTENSION_OF.get(mime) or mimetypes.guess_extension(mime or "") or ""
    if not kind_of("x" + ext):
        raise _refused(_("The file at media_url is not an image or a document Sebar can send (%(type)s).")
                       % {"type": mime or _("no type")}, "type")
    return (os.path.splitext(base)[0] or "file")[:90] + ext
