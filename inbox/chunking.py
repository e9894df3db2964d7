"""Turning knowledge-base sources into text and chunks: .txt/.md/.pdf (pypdf)/.docx (python-docx).

Chunks follow paragraphs and stay under CHUNK_CHARS, with a short overlap so a sentence cut at a
border is still found whole in one of the two chunks.
"""
import io

from django.utils.translation import gettext as _

from config.errors import UserError

CHUNK_CHARS = 800
OVERLAP_CHARS = 120
ALLOWED_EXTENSIONS = (".txt", ".md", ".pdf", ".docx")
MAX_UPLOAD_BYTES = 10 * 1024 * 1024


class UnreadableFile(UserError):
    code = "unreadable_file"


def check_upload(name, size):
    lower = (name or "").lower()
    if not lower.endswith(ALLOWED_EXTENSIONS):
        raise UnreadableFile(_("Upload a .txt, .md, .pdf or .docx file."), fields={"file": "type"})
    if size > MAX_UPLOAD_BYTES:
        raise UnreadableFile(_("Files can be at most 10 MB."), fields={"file": "too large"})


def extract_text(name, content):
    """The text of an uploaded file; UnreadableFile when it has none or cannot be parsed."""
    lower = (name or "").lower()
    try:
        if lower.endswith(".pdf"):
            from pypdf import PdfReader

            text = "\n\n".join((page.extract_text() or "") for page in PdfReader(io.BytesIO(content)).pages)
        elif lower.endswith(".docx"):
            import docx

            text = "\n\n".join(p.text for p in docx.Document(io.BytesIO(content)).paragraphs)
        else:
            text = content.decode("utf-8-sig", errors="replace")
    except Exception as exc:  # noqa: BLE001 - every parser has its own errors; the user needs one answer
        raise UnreadableFile(_("This file could not be read (%(reason)s). Save it again or paste the text.")
                             % {"reason": str(exc)[:120]}) from exc
    if not text.strip():
        raise UnreadableFile(_("No text was found in this file (a scanned PDF?). Paste the text instead."))
    return text


def chunk_text(text, size=CHUNK_CHARS, overlap=OVERLAP_CHARS):
    """Paragraph-aware chunks of at most `size` characters."""
    paragraphs = [" ".join(p.split()) for p in text.replace("\r\n", "\n").split("\n\n")]
    pieces = []
    for paragraph in filter(None, paragraphs):
        while len(paragraph) > size:
            cut = paragraph.rfind(" ", 0, size)
            cut = cut if cut > size // 2 else size
            pieces.append(paragraph[:cut])
            paragraph = paragraph[max(0, cut - overlap):].strip()
        pieces.append(paragraph)
    chunks, current = [], ""
    for piece in pieces:
        if current and len(current) + 2 + len(piece) > size:
            chunks.append(current)
            tail = current[-overlap:]
            current = (tail[tail.find(" ") + 1:] if " " in tail else "") + "\n\n" + piece
            current = current.strip()
            if len(current) > size:
                current = piece
        else:
            current = f"{current}\n\n{piece}" if current else piece
    if current:
        chunks.append(current)
    return chunks
