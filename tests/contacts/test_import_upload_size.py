"""An over-size upload is refused by its Content-Length, before anything reads the body (issue 12 #19)."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import multipartparser
from django.template.defaultfilters import filesizeformat
from django.test import Client

from contacts.importing import jobs
from contacts.models import ImportJob

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_cap(monkeypatch):
    monkeypatch.setattr(jobs, "MAX_UPLOAD_BYTES", 10_000)
    monkeypatch.setattr(jobs, "UPLOAD_ENVELOPE_BYTES", 1_000, raising=False)

    def never(self):
        raise AssertionError("the body of an over-size upload was parsed")

    # Reading the body means parsing it: refusing by the declared length must not get that far.
    monkeypatch.setattr(multipartparser.MultiPartParser, "parse", never)
    return filesizeformat(10_000)


def big_file():
    return SimpleUploadedFile("big.csv", b"name,phone\n" + b"Budi,081234567890\n" * 1_000)  # 18 KB


def test_the_upload_page_refuses_an_over_size_file_by_its_length_and_says_the_limit(owner_client, small_cap,
                                                                                     settings, tmp_path):
    r = owner_client.post("/contacts/import/", {"file": big_file()})
    assert r.status_code == 413
    assert f"larger than {small_cap}" in r.content.decode()
    assert not ImportJob.objects.exists()
    assert not (settings.MEDIA_ROOT / "imports").exists()


def test_the_api_refuses_an_over_size_file_by_its_length(owner_api, small_cap):
    r = owner_api.post("/api/contacts/upload", {"file": big_file()}, format="multipart")
    assert r.status_code == 413
    assert r.json()["error"] == "import_file_invalid" and small_cap in r.json()["message"]
    assert not ImportJob.objects.exists()


def test_a_session_api_call_is_refused_before_its_csrf_check_reads_the_body(owner, small_cap):
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    r = client.post("/api/contacts/upload", {"file": big_file()})
    assert r.status_code == 413


def test_the_upload_page_still_checks_csrf_and_takes_a_file_within_the_limit(owner):
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    body = {"file": SimpleUploadedFile("a.csv", b"name,phone\nBudi,081234567890\n")}
    assert client.post("/contacts/import/", body).status_code == 403  # no token
    page = client.get("/contacts/import/")
    token = page.cookies["csrftoken"].value
    body = {"file": SimpleUploadedFile("a.csv", b"name,phone\nBudi,081234567890\n"), "csrfmiddlewaretoken": token}
    r = client.post("/contacts/import/", body)
    assert r.status_code == 302 and ImportJob.objects.count() == 1
