"""GET/POST/PATCH/DELETE /api/contacts, bulk actions, export, and who may do what."""
import csv
import io

import openpyxl
import pytest

from contacts.models import Contact

pytestmark = pytest.mark.django_db


def test_create_normalises_and_returns_tags_as_names(owner_api, workspace):
    r = owner_api.post("/api/contacts", {"phone": "0812-3456-7890", "name": "Budi", "tags": ["VIP", "Lead"],
                                         "custom_fields": {"city": "Bandung"}}, format="json")
    assert r.status_code == 201, r.json()
    assert r.json()["phone"] == "6281234567890"
    assert r.json()["tags"] == ["Lead", "VIP"]
    assert r.json()["source"] == "API"
    again = owner_api.post("/api/contacts", {"phone": "+62 812 3456 7890"}, format="json")
    assert again.status_code == 400 and again.json()["error"] == "duplicate_contact"
    bad = owner_api.post("/api/contacts", {"phone": "021 5012345"}, format="json")
    assert bad.status_code == 400 and "landline" in bad.json()["fields"]["phone"]


def test_limit_applies_to_manual_create(owner_api, contact_limit):
    contact_limit(0)
    r = owner_api.post("/api/contacts", {"phone": "081234567890"}, format="json")
    assert r.status_code == 403 and r.json()["error"] == "plan_limit_reached"


def test_list_filters_and_cursor(owner_api, make_contact):
    for i in range(5):
        make_contact(f"62811000000{i:02d}", f"Name {i}", tags=["VIP"] if i % 2 else ["Lead"])
    make_contact("6281100000099", "Opted", tags=["VIP"], opted_out=True)
    r = owner_api.get("/api/contacts", {"tag": "VIP", "opted_out": "false", "page_size": 1})
    body = r.json()
    assert r.status_code == 200 and body["count"] == 2 and len(body["results"]) == 1
    second = owner_api.get("/api/contacts", {"tag": "VIP", "opted_out": "false", "page_size": 1,
                                             "cursor": body["next_cursor"]}).json()
    assert second["next_cursor"] is None
    assert {body["results"][0]["name"], second["results"][0]["name"]} == {"Name 1", "Name 3"}
    assert owner_api.get("/api/contacts", {"cursor": "x"}).status_code == 400


def test_patch_tags_and_owner_undoes_opt_out(owner_api, make_contact):
    c = make_contact("6281234567890", "Budi", tags=["VIP"], opted_out=True, opted_out_reason="Wrote STOP")
    r = owner_api.patch(f"/api/contacts/{c.pk}", {"tags": ["Lead"], "opted_out": False}, format="json")
    assert r.status_code == 200, r.json()
    assert r.json()["tags"] == ["Lead"] and r.json()["opted_out"] is False
    c.refresh_from_db()
    assert not c.opted_out and c.opted_out_reason == ""


def test_agent_can_view_only(agent_api, make_contact):
    c = make_contact("6281234567890", "Budi")
    assert agent_api.get("/api/contacts").status_code == 200
    assert agent_api.get(f"/api/contacts/{c.pk}").status_code == 200
    assert agent_api.patch(f"/api/contacts/{c.pk}", {"opted_out": False}, format="json").status_code == 403
    assert agent_api.delete(f"/api/contacts/{c.pk}").status_code == 403
    assert agent_api.post("/api/contacts", {"phone": "0812"}, format="json").status_code == 403
    assert agent_api.get("/api/contacts/export").status_code == 403
    assert agent_api.post("/api/contacts/bulk", {"action": "delete", "ids": [c.pk]}, format="json").status_code == 403
    assert Contact.objects.filter(pk=c.pk).exists()


def test_bulk_on_ids_and_on_whole_filter(owner_api, make_contact, other_workspace):
    a = make_contact("6281100000001", "A", tags=["Lead"])
    b = make_contact("6281100000002", "B", tags=["Lead"])
    make_contact("6281100000003", "C")
    theirs = make_contact("6281100000004", "X", ws=other_workspace)
    r = owner_api.post("/api/contacts/bulk", {"action": "tag", "ids": [a.pk, theirs.pk], "tags": ["VIP"]},
                       format="json")
    assert r.json()["affected"] == 1
    assert list(theirs.tags.all()) == []
    r = owner_api.post("/api/contacts/bulk", {"action": "untag", "filter": {"tag": ["Lead"]}, "tags": ["Lead"]},
                       format="json")
    assert r.json()["affected"] == 2 and not b.tags.exists()
    r = owner_api.post("/api/contacts/bulk", {"action": "delete", "filter": {"q": "A"}}, format="json")
    assert r.json()["affected"] == 1
    assert sorted(Contact.objects.values_list("name", flat=True)) == ["B", "C", "X"]
    assert owner_api.post("/api/contacts/bulk", {"action": "tag", "ids": [b.pk]}, format="json").status_code == 400


def test_export_csv_and_xlsx_of_the_filter(owner_api, make_contact):
    make_contact("6281100000001", "José", tags=["VIP"], custom_fields={"city": "Bandung"})
    make_contact("6281100000002", "=cmd()", tags=["Lead"])
    r = owner_api.get("/api/contacts/export", {"tag": "VIP"})
    text = b"".join(r.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["phone", "name", "tags"]
    assert rows[0][-1] == "city" and rows[1][-1] == "Bandung"  # one column per custom field
    assert rows[1][:3] == ["6281100000001", "José", "VIP"]
    assert len(rows) == 2
    r = owner_api.get("/api/contacts/export", {"type": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(r.streaming_content))).active
    names = [(row[1].value, row[1].data_type) for row in list(sheet.iter_rows())[1:]]
    # An XLSX cell is typed: "=cmd()" is a text cell, never a formula, and written as typed (no apostrophe).
    assert len(names) == 2 and ("=cmd()", "s") in names


def test_export_gives_each_custom_field_its_column(owner_api, make_contact, monkeypatch):
    from contacts import exporting

    make_contact("6281100000001", "Ani", custom_fields={"city": "Bandung", "size": "M"})
    make_contact("6281100000002", "Budi", custom_fields={"city": "Solo", "birthday": "1990-01-02"})
    make_contact("6281100000003", "Citra")
    rows = list(csv.reader(io.StringIO(b"".join(owner_api.get("/api/contacts/export").streaming_content)
                                       .decode("utf-8-sig"))))
    header = rows[0]
    assert header[-3:] == ["city", "birthday", "size"]  # most used first
    by_phone = {r[0]: dict(zip(header, r, strict=True)) for r in rows[1:]}
    assert by_phone["6281100000001"]["city"] == "Bandung" and by_phone["6281100000001"]["birthday"] == ""
    assert by_phone["6281100000002"]["birthday"] == "1990-01-02" and by_phone["6281100000003"]["size"] == ""
    monkeypatch.setattr(exporting, "MAX_CUSTOM_COLUMNS", 1)
    rows = list(csv.reader(io.StringIO(b"".join(owner_api.get("/api/contacts/export").streaming_content)
                                       .decode("utf-8-sig"))))
    assert rows[0][-2:] == ["city", "more_custom_fields"]
    assert {r[0]: r[-1] for r in rows[1:]}["6281100000001"] == "size=M"
