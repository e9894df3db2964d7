"""Serving a chat message's stored file to a member who may see the chat (pages and API alike).

One place decides how a file goes out. Customers send what they like, and an SVG or HTML file shown
inline on Sebar's own origin runs its scripts with the agent's session: so only an allow-list of raster
image types is ever shown inline; everything else is a download that the browser may neither sniff into
something else nor run (nosniff, and a sandboxing Content-Security-Policy on the response itself).
"""
from django.http import FileResponse, Http404

INLINE_TYPES = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp"})


def shown_inline(mimetype):
    return (mimetype or "").split(";", 1)[0].strip().lower() in INLINE_TYPES


def message_media_response(message):
    """The file of `message` (visibility already checked by the caller), or 404 when it has none."""
    if not message.media:
        raise Http404("No media")
    inline = shown_inline(message.media_mimetype)
    response = FileResponse(message.media.open("rb"),
                            content_type=message.media_mimetype if inline else "application/octet-stream",
                            filename=message.media_filename or None, as_attachment=not inline)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    if not inline:
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
