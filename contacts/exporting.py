"""Export a filtered contact list as CSV (streamed row by row) or XLSX (openpyxl write-only mode)."""
import csv
import tempfile

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone

from .models import ContactTag

HEADER = ["phone", "name", "tags", "source", "opted_out", "opted_out_reason", "created_at"]
BATCH = 2000


def _rows(qs):
    """Header, then one list per contact with custom fields appended as key=value pairs, in batches."""
    yield HEADER + ["custom_fields"]
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
            custom = "; ".join(f"{k}={v}" for k, v in (c.custom_fields or {}).items())
            yield [c.phone, c.name, ", ".join(sorted(tags.get(c.id, []))), c.source,
                   "yes" if c.opted_out else "", c.opted_out_reason, c.created_at.isoformat(timespec="seconds"),
                   custom]
        last = batch[-1].id


class _Echo:
    def write(self, value):
        return value


def _safe(value):
    # Cells starting with = + - @ run as formulas when the CSV is opened in Excel.
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def csv_response(qs, filename):
    writer = csv.writer(_Echo())
    stream = ("\ufeff" if i == 0 else "" for i in range(1))  # BOM so Excel reads UTF-8 names right

    def body():
        yield from stream
        for row in _rows(qs):
            yield writer.writerow([_safe(v) for v in row])

    response = StreamingHttpResponse(body(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def xlsx_response(qs, filename):
    import openpyxl

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Contacts")
    for row in _rows(qs):
        sheet.append([_safe(v) for v in row])
    spool = tempfile.TemporaryFile()
    workbook.save(spool)
    spool.seek(0)
    return FileResponse(spool, as_attachment=True, filename=f"{filename}.xlsx",
                        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def export_name(workspace):
    return f"contacts-{timezone.now():%Y%m%d-%H%M}"
