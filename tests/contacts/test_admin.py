"""The operators' admin: django-import-export round-trip of contacts, scoped tags, normalised phones."""
import pytest
import tablib
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contacts.admin import ContactResource
from contacts.models import Contact, Tag

pytestmark = pytest.mark.django_db


def test_export_then_import_updates_and_normalises(workspace, other_workspace, make_contact):
    make_contact("6281234567890", "Budi", tags=["VIP"])
    Tag.objects.create(workspace=other_workspace, name="Lead")
    exported = ContactResource().export()
    assert exported.dict[0]["tags"] == "VIP" and exported.dict[0]["phone"] == "6281234567890"

    data = tablib.Dataset(headers=["workspace", "phone", "name", "source", "tags"])
    data.append([workspace.pk, "0812-3456-7890", "Budi", "Admin", "Lead"])
    data.append([workspace.pk, "+62 813 0000 0001", "Siti", "Admin", "Lead"])
    result = ContactResource().import_data(data, dry_run=False, raise_errors=True)
    assert not result.has_errors()
    assert Contact.objects.filter(workspace=workspace).count() == 2
    budi = Contact.objects.get(phone="6281234567890")
    assert sorted(budi.tags.values_list("name", flat=True)) == ["Lead", "VIP"]
    assert budi.tags.get(name="Lead").workspace == workspace  # not the other tenant's "Lead"


def test_export_reads_tags_per_chunk_not_per_contact(make_contact):
    for i in range(5):
        make_contact(f"62812345678{i:02d}", f"Name {i}", tags=["VIP", f"T{i}"])
    with CaptureQueriesContext(connection) as queries:
        exported = ContactResource().export()
    assert sorted(row["tags"] for row in exported.dict) == [f"T{i}, VIP" for i in range(5)]
    assert len(queries.captured_queries) <= 3  # contacts, their tags (and a workspace read at most)


def test_import_reads_each_workspace_once(workspace):
    data = tablib.Dataset(headers=["workspace", "phone", "name", "tags"])
    for i in range(5):
        data.append([workspace.pk, f"0812-3456-78{i:02d}", f"Name {i}", "VIP, Lead"])
    resource = ContactResource()
    with CaptureQueriesContext(connection) as queries:
        for row in data.dict:
            resource.before_import_row(row)
    assert len(queries.captured_queries) == 1  # the workspace's region, read for the first row only
    result = ContactResource().import_data(data, dry_run=False, raise_errors=True)
    assert not result.has_errors()
    assert Contact.objects.filter(workspace=workspace, tags__name="Lead", phone__startswith="62812345678").count() == 5


def test_admin_changelist_loads(client, django_user_model, make_contact):
    make_contact("6281234567890", "Budi")
    admin = django_user_model.objects.create_superuser(email="ops@example.com", password="x-Very-long-1")
    client.force_login(admin)
    assert client.get("/admin/contacts/contact/").status_code == 200
    assert client.get("/admin/contacts/contact/export/").status_code == 200
    assert client.get("/admin/contacts/importjob/").status_code == 200
