"""The contacts pages: list, add/edit, bulk, export, import with mapping, settings, roles."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase

from contacts.models import Contact, ImportJob
from contacts.selectors import opt_out_words

pytestmark = pytest.mark.django_db


def test_list_shows_contacts_tags_and_opt_out(owner_client, make_contact):
    make_contact("6281234567890", "Budi", tags=["VIP"])
    make_contact("6281234567891", "Siti", opted_out=True, opted_out_reason="Wrote STOP")
    html = owner_client.get("/contacts/").content.decode()
    assert "Budi" in html and "+62 812-3456-7890" in html and "VIP" in html
    assert "Opted out" in html and "Export CSV" in html
    html = owner_client.get("/contacts/", {"opted_out": "true"}).content.decode()
    assert "Siti" in html and "Budi" not in html


def test_list_marks_numbers_a_campaign_found_not_on_whatsapp(owner_client, make_contact):
    make_contact("6281234567890", "Budi", on_whatsapp=False)
    make_contact("6281234567891", "Siti", on_whatsapp=True)
    html = owner_client.get("/contacts/").content.decode()
    assert html.count("Not on WhatsApp") == 1
    badge = html.index("Not on WhatsApp")
    row = html[html.rindex("<tr", 0, badge):html.index("</tr>", badge)]
    assert "Budi" in row and "Siti" not in row


def test_list_pages_by_cursor(owner_client, workspace):
    Contact.objects.bulk_create([Contact(workspace=workspace, phone=f"62812000{i:05d}", name=f"N{i:03d}")
                                 for i in range(60)])
    first = owner_client.get("/contacts/").content.decode()
    assert "N059" in first and "N009" not in first and "Next page" in first
    last_id = Contact.objects.order_by("-id")[49].id
    second = owner_client.get("/contacts/", {"cursor": last_id}).content.decode()
    assert "N009" in second and "N059" not in second and "Next page" not in second


def test_agent_sees_list_without_edit_controls(agent_client, make_contact):
    c = make_contact("6281234567890", "Budi")
    html = agent_client.get("/contacts/").content.decode()
    assert "Budi" in html and "Add contact" not in html and "Export" not in html
    assert agent_client.get(f"/contacts/{c.pk}/edit/").status_code == 403
    assert agent_client.post(f"/contacts/{c.pk}/opt-in/").status_code == 403
    assert agent_client.get("/contacts/export/").status_code == 403
    assert agent_client.get("/contacts/import/").status_code == 403


def test_add_edit_and_undo_opt_out(owner_client, workspace):
    r = owner_client.post("/contacts/new/", {"phone": "0812 3456 7890", "name": "Budi", "tags": "VIP, Lead",
                                             "custom_fields": "Kota = Bandung"})
    assert r.status_code == 302
    c = Contact.objects.get(phone="6281234567890")
    assert c.custom_fields == {"kota": "Bandung"}
    assert sorted(c.tags.values_list("name", flat=True)) == ["Lead", "VIP"]
    bad = owner_client.post("/contacts/new/", {"phone": "+62 812 3456 7890"})
    assert "already exists" in bad.content.decode()
    bad = owner_client.post(f"/contacts/{c.pk}/edit/", {"phone": "12", "name": "B"})
    assert "too short" in bad.content.decode()
    c.opted_out = True
    c.save()
    assert "Undo opt-out" in owner_client.get(f"/contacts/{c.pk}/edit/").content.decode()
    owner_client.post(f"/contacts/{c.pk}/opt-in/")
    c.refresh_from_db()
    assert not c.opted_out


def test_bulk_tag_selected_and_delete_whole_filter(owner_client, make_contact):
    a = make_contact("6281100000001", "A", tags=["Lead"])
    make_contact("6281100000002", "B", tags=["Lead"])
    make_contact("6281100000003", "C")
    owner_client.post("/contacts/bulk/", {"action": "tag", "ids": [a.pk], "tags": "VIP", "scope": "selected"})
    assert list(a.tags.values_list("name", flat=True).order_by("name")) == ["Lead", "VIP"]
    r = owner_client.post("/contacts/bulk/", {"action": "delete", "scope": "filter", "query": "tag=Lead"})
    assert r.status_code == 302 and r["Location"] == "/contacts/?tag=Lead"
    assert list(Contact.objects.values_list("name", flat=True)) == ["C"]


def test_export_page_streams_csv(owner_client, make_contact):
    make_contact("6281100000001", "José")
    r = owner_client.get("/contacts/export/", {"type": "csv"})
    assert "José" in b"".join(r.streaming_content).decode("utf-8-sig")


def test_import_with_column_mapping_step(owner_client, workspace):
    body = b"Nama,Telepon,Kota\nBudi,0812-3456-7890,Bandung\n"
    with TestCase.captureOnCommitCallbacks(execute=False) as reading:  # the worker has not read it yet
        r = owner_client.post("/contacts/import/", {"file": SimpleUploadedFile("a.csv", body), "tags": "Expo"})
    job = ImportJob.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/contacts/imports/{job.public_id}/"
    html = owner_client.get(r["Location"]).content.decode()
    assert "Reading your file" in html and 'hx-trigger="every 1s"' in html and "Import as" not in html
    progress_url = f"/contacts/imports/{job.public_id}/progress/"
    assert "Reading your file" in owner_client.get(progress_url).content.decode()
    for callback in reading:
        callback()  # the sniff task, eager
    poll = owner_client.get(progress_url, HTTP_HX_REQUEST="true")
    assert poll["HX-Refresh"] == "true"  # the page changes: the poll has htmx reload it
    html = owner_client.get(r["Location"]).content.decode()
    assert "Import as" in html and "0812-3456-7890" in html
    bad = owner_client.post(r["Location"], {"col0": "name", "col1": "skip", "col2": "skip"})
    assert "exactly one column" in bad.content.decode()
    with TestCase.captureOnCommitCallbacks(execute=True):
        owner_client.post(r["Location"], {"col0": "name", "col1": "phone", "col2": "field:city", "tags": "Expo"})
    job.refresh_from_db()
    assert job.status == "done" and job.created_count == 1
    progress = owner_client.get(f"/contacts/imports/{job.public_id}/progress/").content.decode()
    assert "Import finished" in progress and "hx-get" not in progress
    assert Contact.objects.get().custom_fields == {"city": "Bandung"}


def test_import_page_rejects_garbage(owner_client):
    with TestCase.captureOnCommitCallbacks(execute=True):
        r = owner_client.post("/contacts/import/", {"file": SimpleUploadedFile("x.csv", bytes(range(256)))})
    html = owner_client.get(r["Location"]).content.decode()
    assert "not a spreadsheet" in html and 'data-testid="import-read-failed"' in html
    assert "hx-get" not in html and "Upload another file" in html and "Resume" not in html


def test_running_import_page_polls(owner_client, workspace, owner):
    job = ImportJob.objects.create(workspace=workspace, created_by=owner, original_name="big.csv",
                                   status=ImportJob.Status.RUNNING, total_rows=1000, last_row=250)
    html = owner_client.get(f"/contacts/imports/{job.public_id}/").content.decode()
    assert 'hx-trigger="every 1s"' in html and "row 250 of 1000" in html and 'max="100" value="25"' in html


def test_opt_out_words_settings(owner_client, workspace):
    assert "BERHENTI" in owner_client.get("/contacts/settings/").content.decode()
    owner_client.post("/contacts/settings/", {"words": "stop\nKELUAR"})
    assert opt_out_words(workspace) == ["STOP", "KELUAR"]
