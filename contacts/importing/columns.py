"""Column mapping: which column holds the phone, the name, tags, or a custom field.

Headers are matched in Indonesian and English after lower-casing and dropping punctuation
(`No. HP` → `no hp`). A file without a header row is recognised when its first row already holds a
phone number; then the phone column is the one whose cells read as phones.
"""
import re

from django.conf import settings
from django.utils.translation import gettext as _

from common.phones import normalize

from ..errors import ImportFileError

PHONE, NAME, TAGS, SKIP, FIELD = "phone", "name", "tags", "skip", "field:"

PHONE_HEADERS = {
    "phone", "phone number", "phonenumber", "mobile", "mobile number", "mobile phone", "cell", "cellphone",
    "whatsapp", "whatsapp number", "wa", "no wa", "nomor wa", "nomor whatsapp", "no whatsapp", "number",
    "nomor", "no hp", "nomor hp", "nohp", "hp", "handphone", "no handphone", "nomor handphone", "telepon",
    "no telepon", "nomor telepon", "telp", "no telp", "nomor telp", "tel", "telephone", "msisdn",
    "contact number", "kontak", "no kontak", "nomor kontak", "phone no", "ponsel", "no ponsel",
}
NAME_HEADERS = {
    "name", "nama", "full name", "fullname", "nama lengkap", "customer", "customer name", "nama pelanggan",
    "pelanggan", "contact", "contact name", "nama kontak", "display name",
}
TAG_HEADERS = {"tag", "tags", "label", "labels", "kategori", "category", "categories", "segment", "segmen"}
_NON_WORD = re.compile(r"[^0-9a-z]+")
# The mapping form's fields beside one per column (the CSRF token, tags, source), with room to spare.
FORM_FIELDS_BESIDE_COLUMNS = 10


def max_columns():
    """The widest file an import takes: IMPORT_MAX_COLUMNS, and never so wide that the mapping form, one
    field per column, would pass DATA_UPLOAD_MAX_NUMBER_FIELDS (Django refuses such a POST whole)."""
    cap = settings.IMPORT_MAX_COLUMNS
    if settings.DATA_UPLOAD_MAX_NUMBER_FIELDS is not None:
        cap = min(cap, settings.DATA_UPLOAD_MAX_NUMBER_FIELDS - FORM_FIELDS_BESIDE_COLUMNS)
    return max(cap, 2)


def header_key(header):
    return _NON_WORD.sub(" ", (header or "").lower()).strip()


def field_key(header):
    """A custom field's key, as used in messages: `Kota Asal` → `kota_asal`."""
    return header_key(header).replace(" ", "_")[:60]


def _target_for(header):
    key = header_key(header)
    if not key:
        return SKIP
    if key in PHONE_HEADERS:
        return PHONE
    if key in NAME_HEADERS:
        return NAME
    if key in TAG_HEADERS:
        return TAGS
    return FIELD + field_key(header)


def _looks_like_phone(value, region):
    if sum(c.isdigit() for c in value) < 8:
        return False
    try:
        normalize(value, region)
        return True
    except Exception:  # noqa: BLE001 - any parse failure just means "not a phone"
        return False


def _is_header(first_row, region):
    if any(header_key(c) in PHONE_HEADERS | NAME_HEADERS for c in first_row):
        return True
    return not any(_looks_like_phone(c, region) for c in first_row)


def guess(rows_sample, region="ID"):
    """(has_header, headers, mapping) from the first rows of a file."""
    rows_sample = [r for r in rows_sample if any(c.strip() for c in r)]
    if not rows_sample:
        raise ImportFileError(_("The file has no rows. Upload a file with a header row and one contact per row."))
    width = max(len(r) for r in rows_sample)
    first = rows_sample[0] + [""] * (width - len(rows_sample[0]))
    has_header = _is_header(first, region)
    if has_header:
        headers = first
        mapping = [_target_for(h) for h in headers]
        data = rows_sample[1:]
    else:
        headers = [_("Column %(n)s") % {"n": i + 1} for i in range(width)]
        mapping = [FIELD + f"column_{i + 1}" for i in range(width)]
        data = rows_sample
    # Keep one phone and one name column; later duplicates become custom fields.
    for target in (PHONE, NAME):
        found = [i for i, t in enumerate(mapping) if t == target]
        for i in found[1:]:
            mapping[i] = FIELD + field_key(headers[i]) if has_header else SKIP
    if PHONE not in mapping:
        scores = [sum(1 for r in data if i < len(r) and _looks_like_phone(r[i], region)) for i in range(width)]
        if scores and max(scores) > 0:
            mapping[scores.index(max(scores))] = PHONE
    return has_header, headers, mapping


def validate(mapping, width):
    """The mapping as a clean list of targets, or ImportFileError saying what is wrong."""
    if not isinstance(mapping, list) or len(mapping) != width:
        raise ImportFileError(_("The mapping needs one entry per column (%(n)s columns).") % {"n": width})
    clean = []
    for target in mapping:
        target = str(target or SKIP).strip()
        if target.startswith(FIELD):
            key = field_key(target[len(FIELD):])
            target = FIELD + key if key else SKIP
        elif target not in (PHONE, NAME, TAGS, SKIP):
            raise ImportFileError(_("Unknown column target %(t)s: use phone, name, tags, skip or field:<name>.")
                                  % {"t": target[:40]})
        clean.append(target)
    if clean.count(PHONE) != 1:
        raise ImportFileError(_("Choose exactly one column that holds the phone number."))
    if clean.count(NAME) > 1:
        raise ImportFileError(_("Choose at most one name column."))
    return clean


def from_headers(mapping, headers):
    """Accept {"Header": "phone", ...} from API clients and turn it into the per-column list."""
    if isinstance(mapping, dict):
        by_key = {header_key(k): v for k, v in mapping.items()}
        return [by_key.get(header_key(h), SKIP) for h in headers]
    return mapping
