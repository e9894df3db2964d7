"""Private files: what a stored upload really is, and the one way such a file goes out to a browser.

Files under MEDIA_ROOT are never served as static files (config/urls.py): each is handed out by a view
that has checked the workspace, through `private_file_response`. An SVG or HTML file shown inline on
Sebar's own origin would run its scripts with the viewer's session, so only an allow-list of raster
image types is ever shown inline; everything else is a download the browser may neither sniff into
something else nor run (nosniff, and a sandboxing Content-Security-Policy on the response itself).

`sniff_type` reads the type from the file's first bytes, never from its name or the browser's
Content-Type, so a renamed .exe or .html is recognised as neither an image nor a PDF.
"""

from django.http import FileResponse

INLINE_TYPES = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp"})

# (offset, bytes) signatures: every one must match. WebP is a RIFF container whose form type is WEBP.
SIGNATURES = {
    "image/jpeg": ((0, b"\xff\xd8\xff"),),
    "image/png": ((0, b"\x89PNG\r\n\x1a\n"),),
    "image/webp": ((0, b"RIFF"), (8, b"WEBP")),
    "application/pdf": ((0, b"%PDF-"),),
}
EXTENSIONS = {"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp", "application/pdf": ".pdf"}
SNIFF_BYTES = 16


def shown_inline(mimetype):
    return (mimetype or "").split(";", 1)[0].strip().lower() in INLINE_TYPES


def sniff_type(file, allowed=tuple(SIGNATURES)):
    """The type among `allowed` that the file's first bytes prove, or None. The read position is kept."""
    position = file.tell()
    file.seek(0)
    head = file.read(SNIFF_BYTES)
    file.seek(position)
    if isinstance(head, str):
        head = head.encode()
    for mimetype in allowed:
        if all(head[offset : offset + len(magic)] == magic for offset, magic in SIGNATURES[mimetype]):
            return mimetype
    return None


def private_file_response(field_file, *, mimetype, filename=None, download=False):
    """A stored file for a viewer the caller has already checked. Raster images may be shown inline unless
    `download`; anything else is an inert attachment."""
    inline = not download and shown_inline(mimetype)
    response = FileResponse(
        field_file.open("rb"),
        content_type=mimetype if inline else "application/octet-stream",
        filename=filename or None,
        as_attachment=not inline,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = (
        "default-src 'none'; img-src 'self'; sandbox" if inline else "default-src 'none'; sandbox"
    )
    return response
