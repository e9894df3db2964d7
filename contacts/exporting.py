"""Export a filtered contact list as CSV (streamed row by row) or XLSX (openpyxl write-only mode)."""
import csv
import tempfile

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone

from audit.services import audit_record
from common.cells import Echo, safe_cell, xlsx_cell

from .models import ContactTag

HEADER = ["phone", "name", "tags", "source", "opted_out", "opted_out_reason", "created_at"]
BATCH = 2000
# One column per custom field, so a spreadsheet can sort and filter by them; past this many the rest share
# one key=value column rather than making a sheet nobody can read.
MAX_CUSTOM_COLUMNS = 100
MORE_COLUMN = "more_custom_fields"


def _custom_keys(qs):
    """The custom field names of these contacts, most used first (ties by name), and whether some were left."""
    counts = {}
    for fields in qs.order_by().values_list("custom_fields", flat=True).iterator(chunk_size=BATCH):
        for key in fields or {}:
            counts[key] = counts.get(key, 0) + 1
    keys = sorted(counts, key=lambda k: (-counts[k], str(k).casefold()))
    return keys[:MAX_CUSTOM_COLUMNS], len(keys) > MAX_CUSTOM_COLUMNS


def _rows(qs, zone):
    """Header, then one list per contact, its custom fields one column each, in batches; times in the
    workspace's zone with their offset (a streamed body is read after the request's zone is gone)."""
    keys, overflow = _custom_keys(qs)
    kept = set(keys)
    yield HEADER + [k for k in keys if k not in HEADER] + ([MORE_COLUMN] if overflow else [])
    keys = [k for k in keys if k not in HEADER]
    last = None
    while True:
        page = qs.order_by("-id")
        if last is not None:
            page = page.filter(id__lt=last)
        batch = list(page.only("id", "phone", "name", "source", "opted_out", "opted_out_reason", "created_at",
                               "custom_fields")[:BATCH])
        if not batch:
            return
        tags = {}
        for contact_id, name in ContactTag.objects.filter(contact_id__in=[c.id for c in batch]).values_list(
                "contact_id", "tag__name"):
            tags.setdefault(contact_id, []).append(name)
        for c in batch:
            custom = c.custom_fields or {}
            row = [c.phone, c.name, ", ".join(sorted(tags.get(c.id, []))), c.source,
                   "yes" if c.opted_out else "", c.opted_out_reason,
                   timezone.localtime(c.created_at, zone).isoformat(timespec="seconds"),
                   *(custom.get(k, "") for k in keys)]
            if overflow:
                row.append("; ".join(f"{k}={v}" for k, v in custom.items() if k not in kept))
            yield row
        last = batch[-1].id


def csv_response(qs, filename, zone):
    writer = csv.writer(Echo())
    stream = ("\ufeff" if i == 0 else "" for i in range(1))  # BOM so Excel reads UTF-8 names right

    def body():
        yield from stream
        for row in _rows(qs, zone):
            yield writer.writerow([safe_cell(v) for v in row])

    response = StreamingHttpResponse(body(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def xlsx_response(qs, filename, zone):
    import openpyxl

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Contacts")
    for row in _rows(qs, zone):
        sheet.append([xlsx_cell(sheet, v) for v in row])
    spool = tempfile.TemporaryFile()
    workbook.save(spool)
    spool.seek(0)
    return FileResponse(spool, as_attachment=True, filename=f"{filename}.xlsx",
                        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def export_name(workspace):
    return f"contacts-{timezone.localtime(timezone.now(), workspace.zone):%Y%m%d-%H%M}"


def contacts_export(*, workspace, qs, kind):
    """The file of `qs` ("xlsx", else CSV) for the page and the API alike, recorded in the audit log first."""
    kind = "xlsx" if kind == "xlsx" else "csv"
    name = export_name(workspace)
    audit_record(action="contacts.exported", workspace=workspace, target=f"{name}.{kind}", rows=qs.count(),
                 format=kind)
    if kind == "xlsx":
        return xlsx_response(qs, name, workspace.zone)
    return csv_response(qs, name, workspace.zone)
