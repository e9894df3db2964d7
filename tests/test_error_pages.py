"""Errors a visitor meets get Sebar's own pages: a mistyped public link is the link 404 even with DEBUG on
(never Django's technical page with the URL list), and a wrong method on a page is a 405 page, not a blank."""
import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/link/no-such-link", "/link/", "/link/promo_june", "/link/promo-june/x",
                                  "/link/a/b/c"])
def test_mistyped_public_link_is_sebars_404_even_with_debug(settings, path):
    settings.DEBUG = True
    response = Client().get(path)
    assert response.status_code == 404
    body = response.content.decode()
    assert "This link does not exist" in body
    assert "URLconf" not in body and "Technical" not in body and "admin/" not in body


def test_mistyped_link_404_is_in_the_visitors_language(settings):
    settings.DEBUG = True
    response = Client(headers={"accept-language": "id"}).get("/link/no-such-link")
    assert response.status_code == 404
    assert "Tautan ini tidak ada" in response.content.decode()


def test_get_on_a_post_only_page_is_a_405_page(owner_client):
    response = owner_client.get("/billing/choose/")
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    body = response.content.decode()
    assert "This address is not a page" in body
    assert 'href="/"' in body


def test_post_to_a_public_link_is_a_405_page(db):
    response = Client().post("/link/no-such-link")
    assert response.status_code == 405
    assert "This address is not a page" in response.content.decode()


def test_api_405_stays_json(owner_client):
    response = owner_client.delete("/api/campaigns")
    assert response.status_code == 405
    assert response["Content-Type"].startswith("application/json")
    assert "This address is not a page" not in response.content.decode()


def test_head_405_has_no_body(owner_client):
    response = owner_client.head("/billing/choose/")
    assert response.status_code == 405
    assert response.content == b""
