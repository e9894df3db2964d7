"""Serving a chat message's stored file to a member who may see the chat (pages and API alike).

Customers send what they like: the file goes out through `common.files.private_file_response`, the one
place that decides how a private file reaches a browser (raster images inline, everything else an inert
download with nosniff and a sandboxing Content-Security-Policy).
"""
from django.http import Http404

from common.files import INLINE_TYPES, private_file_response, shown_inline

__all__ = ["INLINE_TYPES", "message_media_response", "shown_inline"]


def message_media_response(message):
    """The file of `message` (visibility already checked by the caller), or 404 when it has none."""
    if not message.media:
        raise Http404("No media")
    return private_file_response(message.media, mimetype=message.media_mimetype, filename=message.media_filename)
