"""Rotator pages: list with URL and QR, create/edit with numbers inline, statistics, roles."""
import pytest

from rotator import clicks
from rotator.models import LinkRotator

from .factories import make_rotator

pytestmark = pytest.mark.django_db


def _post_data(**overrides):
    data = {"slug": "promo-june", "name": "June ads", "mode": "SEQUENTIAL", "text": "Halo", "is_active": "on",
            "numbers-TOTAL_FORMS": "2", "numbers-INITIAL_FORMS": "0", "numbers-MIN_NUM_FORMS": "1",
            "numbers-MAX_NUM_FORMS": "50", "numbers-0-phone": "0812 1111 1111", "numbers-0-weight": "1",
            "numbers-1-phone": "0822 2222 2222", "numbers-1-weight": "2"}
    data.update(overrides)
    return data


def test_create_then_list_shows_url_and_copy(owner_client, workspace):
    assert owner_client.get("/links/new/").status_code == 200
    response = owner_client.post("/links/new/", _post_data())
    assert response.status_code == 302
    rotator = LinkRotator.objects.get()
    assert list(rotator.numbers.values_list("phone", "weight")) == [("6281211111111", 1), ("6282222222222", 2)]
    body = owner_client.get("/links/").content.decode()
    assert "/link/promo-june" in body and "data-copy=" in body and "June ads" in body


def test_form_errors_are_shown(owner_client, workspace):
    response = owner_client.post("/links/new/", _post_data(slug="login", **{"numbers-1-phone": "12"}))
    assert response.status_code == 400
    assert "reserved" in response.content.decode()
    response = owner_client.post("/links/new/", _post_data(**{"numbers-1-phone": "12"}))
    assert "Number 2" in response.content.decode()
    assert not LinkRotator.objects.exists()


def test_edit_and_remove_a_number(owner_client, workspace):
    rotator = make_rotator(workspace)
    page = owner_client.get(f"/links/{rotator.pk}/").content.decode()
    assert "+6281111111111" in page
    data = _post_data(**{"numbers-TOTAL_FORMS": "2", "numbers-1-DELETE": "on", "mode": "RANDOM"})
    assert owner_client.post(f"/links/{rotator.pk}/", data).status_code == 302
    rotator.refresh_from_db()
    assert rotator.mode == "RANDOM" and list(rotator.numbers.values_list("phone", flat=True)) == ["6281211111111"]


def test_delete(owner_client, workspace):
    rotator = make_rotator(workspace)
    assert owner_client.get(f"/links/{rotator.pk}/delete/").status_code == 405
    assert owner_client.post(f"/links/{rotator.pk}/delete/").status_code == 302
    assert not LinkRotator.objects.exists()


def test_stats_and_qr_pages(owner_client, workspace):
    rotator = make_rotator(workspace)
    owner_client.get("/link/promo-june", HTTP_USER_AGENT="Mozilla/5.0 (iPhone)", HTTP_REFERER="https://t.co/x")
    clicks.clicks_flush()
    body = owner_client.get(f"/links/{rotator.pk}/stats/").content.decode()
    assert "chart-days" in body and "t.co" in body and "vendor/chartjs/chart.umd.min.js" in body
    body = owner_client.get(f"/links/{rotator.pk}/qr/").content.decode()
    assert "data:image/svg+xml;base64," in body and "/link/promo-june" in body


def test_agent_sees_but_cannot_manage(agent_client, workspace):
    rotator = make_rotator(workspace)
    assert agent_client.get("/links/").status_code == 200
    assert agent_client.get(f"/links/{rotator.pk}/stats/").status_code == 200
    assert agent_client.get("/links/new/").status_code == 403
    assert agent_client.post(f"/links/{rotator.pk}/", _post_data()).status_code == 403
    assert agent_client.post(f"/links/{rotator.pk}/delete/").status_code == 403


def test_limit_reached_hides_new_button(owner_client, workspace):
    for i in range(3):
        make_rotator(workspace, slug=f"p-{i}")
    body = owner_client.get("/links/").content.decode()
    assert "Plan limit reached" in body and 'data-testid="new-link"' not in body
    response = owner_client.post("/links/new/", _post_data())
    assert response.status_code == 400 and "plan allows 3" in response.content.decode()
