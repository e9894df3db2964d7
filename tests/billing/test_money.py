"""One rupiah format everywhere (#20.12): the invoice showed "Rp 897,000" and "Rp 897.000" on one page."""
import re

import pytest
from django.template import Context, Template
from django.utils import translation

from billing import services
from billing.money import rupiah
from tests.billing.helpers import plan


@pytest.mark.parametrize("amount, text", [(897_000, "Rp 897.000"), (0, "Rp 0"), (999, "Rp 999"),
                                          (1_234_567, "Rp 1.234.567"), ("299000", "Rp 299.000"),
                                          (-5_000, "-Rp 5.000"), (None, "")])
def test_rupiah(amount, text):
    assert rupiah(amount) == text


@pytest.mark.parametrize("language", ["en", "id"])
def test_the_filter_ignores_the_reader_s_language(language):
    # floatformat:"0g" wrote "897,000" for English readers and "897.000" for Indonesian ones.
    with translation.override(language):
        html = Template("{% load money %}{{ amount|rupiah }}").render(Context({"amount": 897_000}))
    assert html == "Rp 897.000"


def _amounts(html):
    return set(re.findall(r"Rp\s?[\d.,]+\d", html))


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "id"])
def test_the_invoice_writes_its_amount_one_way(owner_client, owner, workspace, settings, language):
    settings.BILLING_BANK_NAME, settings.BILLING_BANK_ACCOUNT_NUMBER = "BCA", "0987654321"
    line = services.subscription_choose(workspace=workspace, actor=owner, package_id=plan("pro").pk, months=3)
    owner_client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    invoice = owner_client.get(f"/billing/invoices/{line.reference}/").content.decode()
    # The total, the "Amount" row and the "Transfer exactly …" step: the same text three times.
    assert _amounts(invoice) == {"Rp 597.000"} and invoice.count("Rp 597.000") >= 3
    assert _amounts(owner_client.get("/billing/invoices/").content.decode()) == {"Rp 597.000"}
    prices = {"Rp 99.000", "Rp 199.000", "Rp 499.000", "Rp 999.000", "Rp 597.000"}
    yearly = {"Rp 990.000", "Rp 1.990.000", "Rp 4.990.000", "Rp 9.990.000"}
    assert _amounts(owner_client.get("/billing/").content.decode()) == prices | yearly


@pytest.mark.django_db
def test_the_admin_writes_it_the_same_way(client, owner, workspace):
    from tests.factories import UserFactory

    services.subscription_choose(workspace=workspace, actor=owner, package_id=plan("pro").pk, months=3)
    client.force_login(UserFactory(email="ops@example.com", is_staff=True, is_superuser=True))
    html = client.get("/admin/billing/subscription/").content.decode()
    assert "Rp 597.000" in html
