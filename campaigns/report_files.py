"""The campaign report as files: CSV (streamed, one line per recipient) and XLSX (a Summary sheet and a
Recipients sheet, openpyxl write-only mode, spooled to a temporary file).

Both bodies are made in the language of whoever asked: a streamed body is read after the request's language
is gone, so it is passed in and re-activated. Every cell goes through common/cells.py, so a name typed as
`=HYPERLINK(...)` stays text.
"""
import csv
import tempfile

from django.http import FileResponse, StreamingHttpResponse
from django.utils.text import slugify
from django.utils.translation import get_language, override
from django.utils.translation import gettext as _

from common.cells import Echo, safe_cell, xlsx_cell

from . import report

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def filename(campaign, extension):
    return f"{slugify(campaign.name) or 'campaign'}-{campaign.pk}-report.{extension}"


def _csv_lines(campaign, language):
    writer = csv.writer(Echo())
    with override(language):
        yield "\ufeff"  # so Excel reads the UTF-8 names and Indonesian headers right
        yield writer.writerow([safe_cell(v) for v in report.headers()])
        for row in report.rows(campaign):
            yield writer.writerow([safe_cell(v.isoformat(timespec="seconds") if hasattr(v, "isoformat") else v)
                                   for v in row])


def csv_response(campaign):
    response = StreamingHttpResponse(_csv_lines(campaign, get_language()), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename(campaign, "csv")}"'
    return response


def summary_lines(campaign, summary):
    """The Summary sheet, line by line (lists of cells), in the active language."""
    lines = [[campaign.name], [_("Recipients"), summary.total], [],
             [_("Funnel"), _("Count"), _("Percent"), _("Of")]]
    of = {"total": _("recipients"), "sent": _("sent")}
    lines += [[stage["label"], stage["count"], stage["percent"] / 100, of[stage["of"]]] for stage in summary.funnel]
    breakdown = [_("Recipients"), _("Sent"), _("Delivered"), _("Read"), _("Replied"), _("Failed"), _("Skipped")]
    keys = ["recipients", "sent", "delivered", "read", "replied", "failed", "skipped"]
    lines += [[], [_("Per number"), *breakdown]]
    lines += [[line["label"], *(line[k] for k in keys)] for line in summary.per_device]
    if summary.per_variant:
        lines += [[], [_("Per variant"), *breakdown]]
        lines += [[line["label"], *(line[k] for k in keys)] for line in summary.per_variant]
    lines += [[], [_("Failures by reason"), _("Status"), _("Count"), _("Code")]]
    lines += [[line["reason"], line["status_label"], line["count"], line["code"]] for line in summary.failures]
    return lines


def xlsx_response(campaign):
    import openpyxl

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Summary"))
    for line in summary_lines(campaign, report.summary(campaign)):
        cells = [xlsx_cell(sheet, v) for v in line]
        for cell in cells:
            if isinstance(cell.value, float):
                cell.number_format = "0.0%"
        sheet.append(cells)
    sheet = workbook.create_sheet(_("Recipients"))
    sheet.append([xlsx_cell(sheet, v) for v in report.headers()])
    for row in report.rows(campaign, aware=False):
        sheet.append([xlsx_cell(sheet, v) for v in row])
    spool = tempfile.TemporaryFile()
    workbook.save(spool)
    spool.seek(0)
    return FileResponse(spool, as_attachment=True, filename=filename(campaign, "xlsx"), content_type=XLSX_TYPE)
