"""The attachment a campaign may carry: which files are allowed, and how they travel to WAHA.

WhatsApp takes images up to 5 MB and documents up to 100 MB; Sebar caps documents lower (16 MB) to keep
uploads and base64 payloads reasonable. The type is read from the extension and checked against the
file's first bytes for images, so a renamed file is refused with a message saying what is accepted.
"""
import base64
import mimetypes
import os

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

IMAGE_TYPES = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".webp": "image/webp"}
DOCUMENT_TYPES = {".pdf": "application/pdf", ".doc": "application/msword",
                  ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                  ".xls": "application/vnd.ms-excel",
                  ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                  ".csv": "text/csv", ".txt": "text/plain", ".zip": "application/zip"}
IMAGE_MAX_BYTES = 5 * 1024 * 1024
DOCUMENT_MAX_BYTES = 16 * 1024 * 1024
_IMAGE_MAGIC = {"image/jpeg": (b"\xff\xd8\xff",), "image/png": (b"\x89PNG\r\n\x1a\n",), "image/webp": (b"RIFF",)}


def _ext(name):
    return os.path.splitext(name or "")[1].lower()


def kind_of(name):
    """"image", "document" or None for a file name."""
    ext = _ext(name)
    if ext in IMAGE_TYPES:
        return "image"
    if ext in DOCUMENT_TYPES:
        return "document"
    return None


def mimetype_of(name):
    ext = _ext(name)
    known = IMAGE_TYPES.get(ext) or DOCUMENT_TYPES.get(ext)
    return known or mimetypes.guess_type(name)[0] or "application/octet-stream"


def validate_media(file):
    if not file:
        return
    name = getattr(file, "name", "")
    kind = kind_of(name)
    allowed = ", ".join(sorted({*IMAGE_TYPES, *DOCUMENT_TYPES}))
    if kind is None:
        raise ValidationError(_("“%(name)s” is not a supported attachment. Use an image or a document (%(allowed)s).")
                              % {"name": os.path.basename(name), "allowed": allowed})
    size = getattr(file, "size", 0) or 0
    limit = IMAGE_MAX_BYTES if kind == "image" else DOCUMENT_MAX_BYTES
    if size > limit:
        raise ValidationError(_("“%(name)s” is %(size).1f MB; %(kind)s attachments may be at most %(limit)d MB.")
                              % {"name": os.path.basename(name), "size": size / 1048576, "kind": kind,
                                 "limit": limit // 1048576})
    if kind == "image" and hasattr(file, "read"):
        pos = file.tell() if hasattr(file, "tell") else 0
        head = file.read(12)
        file.seek(pos)
        if isinstance(head, str):
            head = head.encode()
        if not head.startswith(_IMAGE_MAGIC[IMAGE_TYPES[_ext(name)]]):
            raise ValidationError(_("“%(name)s” does not look like the image its name says. Upload a real "
                                    "JPEG, PNG or WebP file.") % {"name": os.path.basename(name)})


def waha_file(field_file):
    """The `file` object of WAHA's sendImage / sendFile body: base64 data, so WAHA needs no access to us."""
    field_file.open("rb")
    try:
        data = field_file.read()
    finally:
        field_file.close()
    return _waha_payload(field_file.name, data)


def waha_upload(upload):
    """`waha_file` for a file still in the request (the composer's test send), left readable for others."""
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    return _waha_payload(upload.name, data)


def _waha_payload(name, data):
    name = os.path.basename(name)
    return {"mimetype": mimetype_of(name), "filename": name, "data": base64.b64encode(data).decode()}
