"""The invoice page (#20.12): Copy buttons carrying what a bank app accepts, the proof of transfer (uploaded by
billing members, sniffed from its bytes, capped, private), and the printable invoice."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from billing import services
from billing.models import Subscription
from tests.billing.helpers import plan
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64
HTML = b"<!doctype html><script>fetch('/api/contacts/export')</script>"


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def line(workspace, owner, settings):
    settings.BILLING_BANK_ACCOUNT_NUMBER = "123-456 7890"
    return services.subscription_choose(workspace=workspace, actor=owner, package_id=plan("pro").pk, months=3)


def upload(client, line, name, data, content_type="image/png"):
    return client.post(
        reverse("billing:invoice-proof", args=[line.reference]),
        {"proof": SimpleUploadedFile(name, data, content_type=content_type)},
        follow=True,
    )


def test_copy_buttons_carry_bare_digits_and_the_page_has_one_amount_format(owner_client, line):
    html = owner_client.get(reverse("billing:invoice", args=[line.reference])).content.decode()
    assert 'data-copy="597000"' in html  # the amount as a bank app's amount field takes it
    assert 'data-copy="1234567890"' in html  # the account number without its spaces and dashes
    assert f'data-copy="{line.reference}"' in html
    assert "Rp 597.000" in html and "Rp 897,000" not in html and "597.000,00" not in html
    assert "js/copy.js" in html and "onclick" not in html


def test_a_real_png_is_stored_privately_and_does_not_mark_the_invoice_paid(owner_client, line, owner):
    response = upload(owner_client, line, "transfer.png", PNG)
    assert "Proof received" in response.content.decode()
    line.refresh_from_db()
    assert line.payment_status == Subscription.Status.PENDING and line.proof_mimetype == "image/png"
    assert line.proof_filename == "transfer.png" and line.proof_uploaded_by == owner
    assert line.proof.name.startswith("billing/proofs/") and line.reference in line.proof.name
    html = owner_client.get(reverse("billing:invoice", args=[line.reference])).content.decode()
    assert "Proof received, waiting for confirmation" in html
    assert "/media/" not in html
    download = owner_client.get(reverse("billing:invoice-proof", args=[line.reference]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PNG
    assert download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff" and "sandbox" in download["Content-Security-Policy"]


def test_a_pdf_is_accepted_and_replaces_the_previous_proof(owner_client, line, django_capture_on_commit_callbacks):
    upload(owner_client, line, "first.png", PNG)
    line.refresh_from_db()
    first = line.proof.name
    with django_capture_on_commit_callbacks(execute=True):
        upload(owner_client, line, "mutasi.pdf", PDF, content_type="application/pdf")
    line.refresh_from_db()
    assert line.proof_mimetype == "application/pdf" and line.proof.name.endswith(".pdf")
    assert line.proof.name != first and not line.proof.storage.exists(first)


@pytest.mark.parametrize("data", [EXE, HTML], ids=["exe", "html"])
def test_a_file_renamed_to_png_is_refused_with_a_clear_error(owner_client, line, data):
    response = upload(owner_client, line, "receipt.png", data)
    assert "is not a JPEG, PNG or WebP image or a PDF" in response.content.decode()
    line.refresh_from_db()
    assert not line.proof


def test_a_too_large_file_is_refused(owner_client, line, settings):
    settings.BILLING_PROOF_MAX_MB = 1
    response = upload(owner_client, line, "big.png", PNG + b"\x00" * (1024 * 1024))
    assert "The file is larger than 1 MB" in response.content.decode()
    line.refresh_from_db()
    assert not line.proof


def test_a_paid_invoice_takes_no_proof(owner_client, line):
    services.subscription_mark_paid(subscription_id=line.pk)
    response = upload(owner_client, line, "late.png", PNG)
    assert "needs no proof of transfer" in response.content.decode()
    line.refresh_from_db()
    assert not line.proof


def test_another_workspace_gets_404_for_upload_download_and_print(outsider_client, owner_client, line):
    upload(owner_client, line, "transfer.png", PNG)
    for name in ["billing:invoice-proof", "billing:invoice-print", "billing:invoice"]:
        assert outsider_client.get(reverse(name, args=[line.reference])).status_code == 404
    before = Subscription.objects.get(pk=line.pk).proof.name
    assert upload(outsider_client, line, "evil.png", PNG).status_code == 404
    assert Subscription.objects.get(pk=line.pk).proof.name == before


def test_an_agent_can_neither_upload_nor_download(agent_client, owner_client, line):
    upload(owner_client, line, "transfer.png", PNG)
    url = reverse("billing:invoice-proof", args=[line.reference])
    assert agent_client.get(url).status_code == 403
    before = Subscription.objects.get(pk=line.pk).proof.name
    assert upload(agent_client, line, "agent.png", PNG).status_code == 403
    assert Subscription.objects.get(pk=line.pk).proof.name == before


def test_staff_download_the_proof_from_the_admin_and_see_it_in_the_overview(client, owner_client, line):
    upload(owner_client, line, "transfer.png", PNG)
    staff = UserFactory(email="ops@example.com", is_staff=True, is_superuser=True)
    client.force_login(staff, backend="django.contrib.auth.backends.ModelBackend")
    proof_url = reverse("admin:billing_subscription_proof", args=[line.pk])
    download = client.get(proof_url)
    assert download.status_code == 200 and b"".join(download.streaming_content) == PNG
    assert download["Content-Disposition"].startswith("attachment") and download["X-Content-Type-Options"] == "nosniff"
    change = client.get(reverse("admin:billing_subscription_change", args=[line.pk])).content.decode()
    assert proof_url in change and "transfer.png" in change
    assert proof_url in client.get(reverse("admin:billing_subscription_changelist")).content.decode()
    overview = client.get(reverse("admin:overview")).content.decode()
    assert f'href="{proof_url}" data-proof="{line.reference}">proof uploaded<' in overview


def test_the_admin_proof_needs_staff(owner_client, line):
    upload(owner_client, line, "transfer.png", PNG)
    response = owner_client.get(reverse("admin:billing_subscription_proof", args=[line.pk]))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_the_printable_invoice_renders_for_the_owner(owner_client, line, workspace, settings):
    settings.BILLING_SELLER_NAME = "PT Sebar Nusantara"
    response = owner_client.get(reverse("billing:invoice-print", args=[line.reference]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "PT Sebar Nusantara" in html and workspace.name in html and line.reference in html
    assert "Rp 597.000" in html and "Rp 199.000" in html  # the total, and the price per month
    assert "How to pay" in html and "123-456 7890" in html and "Waiting for payment" in html
    assert "data-print" in html and 'class="sidebar"' not in html and "nav-link" not in html


def test_the_printable_invoice_is_owner_only(agent_client, line):
    assert agent_client.get(reverse("billing:invoice-print", args=[line.reference])).status_code == 403
