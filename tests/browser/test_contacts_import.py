"""An owner imports a spreadsheet in a real browser: upload, correct the column mapping, watch it finish."""
import pytest

from accounts.models import Membership
from contacts.models import Contact
from tests.factories import PASSWORD, MembershipFactory, UserFactory, WorkspaceFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def owner_page(page, live_server):
    workspace = WorkspaceFactory(name="Toko Batik")
    MembershipFactory(workspace=workspace, role=Membership.Role.OWNER,
                      user=UserFactory(email="dewi@example.com", full_name="Dewi"))
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_email", "dewi@example.com")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    return page, workspace


def test_import_with_column_mapping(owner_page, live_server, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    page, workspace = owner_page
    sheet = tmp_path / "pelanggan.csv"
    # Indonesian Excel: ';' between columns, Windows-1252 text, a header the importer cannot guess.
    sheet.write_bytes("Atas Nama;No HP;Kota\r\nJosé Ramos;0812-3456-7890;Bandung\r\n"
                      "Siti;+62 813 1111 2222;Jakarta\r\nSalah;bukan nomor;Depok\r\n".encode("cp1252"))

    page.goto(f"{live_server.url}/contacts/")
    page.click("main >> text=Import")
    page.set_input_files("#id_file", str(sheet))
    page.fill("#id_tags", "Pameran")
    page.click("main button[type=submit]")

    page.wait_for_selector("#mapping-form")
    assert page.input_value("select[data-col='No HP']") == "phone"
    assert page.input_value("select[data-col='Atas Nama']") == "field:atas_nama"
    assert "José Ramos" in page.inner_text("#mapping-form")
    page.select_option("select[data-col='Atas Nama']", "name")
    page.click("#mapping-form button[type=submit]")

    page.wait_for_selector("[data-testid=import-done]")
    assert page.inner_text("[data-testid=created]") == "2"
    assert page.inner_text("[data-testid=rejected]") == "1"
    assert "Download rejected rows" in page.inner_text("#import-progress")

    page.click("text=See contacts")
    page.wait_for_selector("table")
    assert "José Ramos" in page.inner_text("table") and "Pameran" in page.inner_text("table")
    jose = Contact.objects.get(workspace=workspace, phone="6281234567890")
    assert jose.name == "José Ramos" and jose.custom_fields == {"kota": "Bandung"}


def test_the_mapping_page_waits_for_the_worker_then_shows_the_columns(owner_page, live_server, tmp_path, settings,
                                                                      monkeypatch):
    """The upload only stores the file; the page says it is being read and polls until the worker has read it,
    then reloads itself into the mapping form (issue 12 #4)."""
    from contacts import tasks
    from contacts.importing import jobs
    from contacts.models import ImportJob

    settings.MEDIA_ROOT = tmp_path / "media"
    # The worker is busy: config.queue publishes through apply_async, which takes the message and runs nothing.
    monkeypatch.setattr(tasks.contacts_sniff_task, "apply_async", lambda *args, **kwargs: None)
    page, workspace = owner_page
    sheet = tmp_path / "pelanggan.csv"
    sheet.write_bytes(b"Nama,No HP\r\nBudi,0812-3456-7890\r\n")
    page.goto(f"{live_server.url}/contacts/import/")
    page.set_input_files("#id_file", str(sheet))
    page.click("main button[type=submit]")
    page.wait_for_selector("[data-testid=import-reading]")
    assert page.locator("#mapping-form").count() == 0

    jobs.import_sniff(job=ImportJob.objects.get(workspace=workspace))  # the worker gets to it
    page.wait_for_selector("#mapping-form", timeout=10_000)
    assert page.input_value("select[data-col='No HP']") == "phone"
    assert "0812-3456-7890" in page.inner_text("#mapping-form")
