"""Serving a chat message's stored file to a member who may see the chat (pages and API alike).

One place decides how the file goes out: only images are shown inline; anything else is a download,
so a customer's HTML or SVG upload never renders as a page on Sebar's own origin.
"""
from django.http import FileResponse, Http404


def message_media_response(message):
    """The file of `message` (visibility already checked by the caller), or 404 when it has none."""
    if not message.media:
        raise Http404("No media")
    return FileResponse(message.media.open("rb"), content_type=message.media_mimetype or "application/octet-stream",
                        filename=message.media_filename or None, as_attachment=message.media_type != "image")
