"""The campaign report (#13, "Campaign report"): the summary's figures over rows in every status, the CSV and
XLSX files (content, time zone, language, formula cells kept as text, streaming in batches), the report page
and its link, the API, another workspace's 404 and the agent's reach."""
import csv
import io
from datetime import UTC, datetime, timedelta

import openpyxl
import pytest
from django.http import StreamingHttpResponse
from django.utils.translation import override

from campaigns import report
from campaigns.models import Campaign, Recipient
from campaigns.reasons import TEXTS, reason
from devices.models import Device, WahaServer

pytestmark = pytest.mark.django_db
S = Recipient.Status
SENT_AT = datetime(2026, 1, 5, 3, 0, tzinfo=UTC)  # 10:00 in Jakarta
INJECTION = '=HYPERLINK("http://evil.example","x")'


@pytest.fixture
def campaign(workspace):
    """Eleven rows, every status: two numbers, rows no number took, replies, failures and skips by code."""
    workspace.time_zone = "Asia/Jakarta"
    workspace.save()
    server = WahaServer.objects.create(name="report-tests", base_url="http://waha.invalid", api_key="k")
    a = Device.objects.create(workspace=workspace, server=server, session_name="rep-a", label="Toko A")
    b = Device.objects.create(workspace=workspace, server=server, session_name="rep-b", label="Toko B")
    campaign = Campaign.objects.create(workspace=workspace, name="Promo Lebaran", message_template="Hi",
                                       status=Campaign.Status.PROCESSING)
    later = SENT_AT + timedelta(minutes=5)
    rows = [
        ("p1", S.PENDING, None, {}),
        ("s1", S.SENDING, a, {}),
        ("t1", S.SENT, a, {"sent_at": SENT_AT, "replied_at": later}),
        ("t2", S.SENT, b, {"sent_at": SENT_AT, "replied_at": later}),
        ("d1", S.DELIVERED, a, {"sent_at": SENT_AT, "delivered_at": later}),
        ("r1", S.READ, a, {"sent_at": SENT_AT, "delivered_at": later, "read_at": later, "replied_at": later}),
        ("r2", S.READ, b, {"sent_at": SENT_AT, "delivered_at": later, "read_at": later}),
        ("f1", S.FAILED, a, reason("waha_ack_error")),
        ("f2", S.FAILED, b, reason("waha_ack_error")),
        ("k1", S.SKIPPED, None, {**reason("not_on_whatsapp"), "name": INJECTION}),
        ("k2", S.SKIPPED, None, {**reason("not_on_whatsapp"), "name": "@SUM(A1)"}),
    ]
    for n, (name, status, device, extra) in enumerate(rows):
        Recipient.objects.create(**{"workspace": workspace, "campaign": campaign, "phone": f"+6281200000{n:02d}",
                                    "name": name, "status": status, "device_used": device, **extra})
    return campaign


def _counts(summary):
    return {stage["key"]: (stage["count"], stage["percent"]) for stage in summary.funnel}


def test_summary_figures_over_every_status(campaign):
    summary = report.summary(campaign)
    assert summary.total == 11
    assert _counts(summary) == {"sent": (5, 45.5), "delivered": (3, 60.0), "read": (2, 40.0),
                                "replied": (3, 60.0), "failed": (2, 18.2), "skipped": (2, 18.2),
                                "pending": (2, 18.2)}
    by_device = {line["label"]: line for line in summary.per_device}
    assert by_device["Toko A"] == {"device": "rep-a", "label": "Toko A", "recipients": 5, "sent": 3,
                                   "delivered": 2, "read": 1, "replied": 2, "failed": 1, "skipped": 0}
    assert {k: by_device["Toko B"][k] for k in ("recipients", "sent", "delivered", "read", "replied", "failed")} \
        == {"recipients": 3, "sent": 2, "delivered": 1, "read": 1, "replied": 1, "failed": 1}
    assert by_device["No number yet"]["recipients"] == 3 and by_device["No number yet"]["skipped"] == 2
    assert [(f["status"], f["code"], f["reason"], f["count"]) for f in summary.failures] == [
        ("FAILED", "waha_ack_error", str(TEXTS["waha_ack_error"]), 2),
        ("SKIPPED", "not_on_whatsapp", str(TEXTS["not_on_whatsapp"]), 2),
    ]
    assert summary.per_variant == []  # no variants yet: the section stays away


def test_failures_split_by_words_and_old_text(campaign):
    """A code whose words hold WAHA's detail is one line per detail; old rows keep their stored text."""
    Recipient.objects.filter(campaign=campaign, name="f2").update(**reason("waha_error", detail="session gone"))
    Recipient.objects.filter(campaign=campaign, name="f1").update(error_code="", error="kept as stored")
    reasons = {f["reason"]: f["count"] for f in report.summary(campaign).failures}
    assert reasons == {"WAHA refused this message: session gone": 1, "kept as stored": 1,
                       str(TEXTS["not_on_whatsapp"]): 2}


def test_empty_campaign_has_zero_rates(workspace):
    campaign = Campaign.objects.create(workspace=workspace, name="Empty", message_template="Hi")
    summary = report.summary(campaign)
    assert summary.total == 0 and all(stage["percent"] == 0 for stage in summary.funnel)
    assert summary.per_device == [] and summary.failures == []


def _csv(response):
    assert isinstance(response, StreamingHttpResponse) and response.streaming
    # A server's request ends before its streamed body is read, its language with it: the body must keep its own.
    with override("en"):
        text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_csv_lines_times_in_workspace_zone_and_formulas_kept_as_text(owner_client, campaign):
    response = owner_client.get(f"/campaigns/{campaign.pk}/report.csv")
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="promo-lebaran-{campaign.pk}-report.csv"'
    lines = _csv(response)
    assert lines[0] == ["Phone", "Name", "Variant", "Number", "Status", "Sent at", "Delivered at", "Read at",
                        "Replied at", "Reason"]
    assert len(lines) == 12
    by_name = {line[1].lstrip("'"): line for line in lines[1:]}
    assert by_name["t2"] == ["+628120000003", "t2", "", "Toko B", "Sent", "2026-01-05T10:00:00+07:00", "",
                             "", "2026-01-05T10:05:00+07:00", ""]
    assert by_name["f1"][4:] == ["Failed", "", "", "", "", str(TEXTS["waha_ack_error"])]
    # A name typed as a formula gets the spreadsheets' text marker; a phone starting with + is left as typed.
    assert by_name[INJECTION][1] == "'" + INJECTION and by_name["@SUM(A1)"][1] == "'@SUM(A1)"
    assert by_name[INJECTION][0] == "+628120000009"


def test_csv_in_the_readers_language(owner_client, campaign):
    lines = _csv(owner_client.get(f"/campaigns/{campaign.pk}/report.csv", HTTP_ACCEPT_LANGUAGE="id"))
    with override("id"):
        expected_header, skipped_words = report.headers(), str(TEXTS["not_on_whatsapp"])
    with override("en"):
        assert expected_header[0] != "Phone" and skipped_words != str(TEXTS["not_on_whatsapp"])
    assert lines[0] == expected_header
    assert skipped_words in [line[9] for line in lines]


def test_rows_walk_the_campaign_in_batches(campaign, monkeypatch, django_assert_num_queries):
    """Keyset batches: memory holds one batch whatever the campaign's size (4 batches of 3, then the empty one)."""
    monkeypatch.setattr(report, "BATCH", 3)
    fresh = Campaign.objects.get(pk=campaign.pk)
    with django_assert_num_queries(1 + 5):  # the workspace, then the batches
        lines = list(report.rows(fresh))
    assert [line[1] for line in lines][:3] == ["p1", "s1", "t1"] and len(lines) == 11


def _xlsx(response):
    return openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def test_xlsx_has_a_summary_and_a_recipients_sheet(owner_client, campaign):
    response = owner_client.get(f"/campaigns/{campaign.pk}/report.xlsx")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = _xlsx(response)
    assert book.sheetnames == ["Summary", "Recipients"]
    recipients = list(book["Recipients"].iter_rows(values_only=True))
    assert recipients[0][:5] == ("Phone", "Name", "Variant", "Number", "Status") and len(recipients) == 12
    t2 = next(r for r in recipients if r[1] == "t2")
    assert t2[3:6] == ("Toko B", "Sent", datetime(2026, 1, 5, 10, 0))  # Jakarta's wall clock
    injected = next(r for r in recipients if r[1] and r[1].startswith("=HYPER"))
    assert injected[1] == INJECTION  # a text cell: no apostrophe, and no formula
    assert book["Recipients"].cell(row=recipients.index(injected) + 1, column=2).data_type == "s"
    summary = {row[0]: row[1:] for row in book["Summary"].iter_rows(values_only=True) if row and row[0]}
    assert summary["Sent"][:3] == (5, 0.455, "recipients")
    assert summary["Replied"][:3] == (3, 0.6, "sent")
    assert summary["Toko A"][:7] == (5, 3, 2, 1, 2, 1, 0)
    assert summary[str(TEXTS["waha_ack_error"])][:2] == ("Failed", 2)
    assert "Per variant" not in summary


def test_xlsx_in_the_readers_language(owner_client, campaign):
    book = _xlsx(owner_client.get(f"/campaigns/{campaign.pk}/report.xlsx", HTTP_ACCEPT_LANGUAGE="id"))
    with override("id"):
        words = str(TEXTS["not_on_whatsapp"])
        header = report.headers()
    assert book.sheetnames[0] != "Summary"
    sheet = book[book.sheetnames[1]]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == header
    assert words in [row[9] for row in rows]


def test_variant_section_appears_when_variants_exist(owner_client, campaign, monkeypatch):
    line = {"variant": "b", "label": "B", "recipients": 4, "sent": 3, "delivered": 2, "read": 1, "replied": 1,
            "failed": 0, "skipped": 0}
    assert "per-variant" not in owner_client.get(f"/campaigns/{campaign.pk}/report/").content.decode()
    monkeypatch.setattr(report, "per_variant", lambda campaign: [line])
    page = owner_client.get(f"/campaigns/{campaign.pk}/report/").content.decode()
    assert 'data-testid="per-variant"' in page
    summary = {row[0]: row[1:] for row in _xlsx(owner_client.get(f"/campaigns/{campaign.pk}/report.xlsx"))
               ["Summary"].iter_rows(values_only=True) if row and row[0]}
    assert "Per variant" in summary and summary["B"][:3] == (4, 3, 2)


def test_report_page_and_link(owner_client, campaign):
    assert f"/campaigns/{campaign.pk}/report/" in owner_client.get(f"/campaigns/{campaign.pk}/").content.decode()
    page = owner_client.get(f"/campaigns/{campaign.pk}/report/").content.decode()
    assert 'data-testid="count-sent">5<' in page and 'data-testid="percent-sent">45.5%<' in page
    assert 'data-testid="percent-delivered">60.0%<' in page
    assert "Toko A" in page and str(TEXTS["waha_ack_error"]) in page
    assert f"/campaigns/{campaign.pk}/report.csv" in page and f"/campaigns/{campaign.pk}/report.xlsx" in page
    assert "data-print" in page and "report.css" in page


def test_report_page_in_indonesian(owner_client, campaign):
    page = owner_client.get(f"/campaigns/{campaign.pk}/report/", HTTP_ACCEPT_LANGUAGE="id").content.decode()
    with override("id"):
        assert str(TEXTS["not_on_whatsapp"]) in page


def test_api_report_json(owner_api, campaign):
    body = owner_api.get(f"/api/campaigns/{campaign.pk}/report", HTTP_ACCEPT_LANGUAGE="id").json()
    assert body["total"] == 11 and body["counts"]["replied"] == 3
    assert {s["key"]: s["percent"] for s in body["funnel"]}["delivered"] == 60.0
    with override("id"):
        assert body["failures"][1]["reason"] == str(TEXTS["not_on_whatsapp"])
    assert body["per_variant"] == []


def test_api_downloads(owner_api, campaign):
    lines = _csv(owner_api.get(f"/api/campaigns/{campaign.pk}/report.csv"))
    assert len(lines) == 12
    book = _xlsx(owner_api.get(f"/api/campaigns/{campaign.pk}/report.xlsx"))
    assert book.sheetnames == ["Summary", "Recipients"]


PAGE_URLS = ["/campaigns/{}/report/", "/campaigns/{}/report.csv", "/campaigns/{}/report.xlsx"]
API_URLS = ["/api/campaigns/{}/report", "/api/campaigns/{}/report.csv", "/api/campaigns/{}/report.xlsx"]


def test_other_workspace_gets_404(outsider_client, outsider_api, campaign):
    for url in PAGE_URLS:
        assert outsider_client.get(url.format(campaign.pk)).status_code == 404, url
    for url in API_URLS:
        assert outsider_api.get(url.format(campaign.pk)).status_code == 404, url


def test_agent_sees_the_summary_but_not_the_files(agent_client, agent_api, campaign):
    """Agents may see campaigns and their reports; files of rows need campaigns:export (owners)."""
    page = agent_client.get(f"/campaigns/{campaign.pk}/report/")
    assert page.status_code == 200 and "report.csv" not in page.content.decode()
    assert agent_api.get(f"/api/campaigns/{campaign.pk}/report").status_code == 200
    for url in PAGE_URLS[1:]:
        assert agent_client.get(url.format(campaign.pk)).status_code == 403, url
    for url in API_URLS[1:]:
        assert agent_api.get(url.format(campaign.pk)).status_code == 403, url
