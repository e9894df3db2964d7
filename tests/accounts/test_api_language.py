"""The JSON API speaks the member's language (#20.6): the language saved on the user, else the client's
Accept-Language. A JWT client is only known once DRF reads its token, after every middleware ran, so the
saved language is applied where the token is read."""
import pytest

from tests.conftest import api_client_for

pytestmark = pytest.mark.django_db

BAD_PHONE = {"phone": "12"}


def _error(client, **headers):
    response = client.post("/api/contacts", BAD_PHONE, format="json", **headers)
    assert response.status_code == 400, response.content
    return response


def _english_message(owner):
    return _error(api_client_for(owner), HTTP_ACCEPT_LANGUAGE="en").json()["message"]


def test_a_jwt_client_reads_errors_in_the_language_saved_on_the_user(owner):
    english = _english_message(owner)
    owner.language = "id"
    owner.save(update_fields=["language"])
    response = _error(api_client_for(owner), HTTP_ACCEPT_LANGUAGE="en")
    assert response["Content-Language"] == "id"
    assert response.json()["message"] != english


def test_without_a_saved_language_the_accept_language_header_decides(owner):
    english = _english_message(owner)
    response = _error(api_client_for(owner), HTTP_ACCEPT_LANGUAGE="id")
    assert response["Content-Language"] == "id" and response.json()["message"] != english


def test_the_permission_and_not_found_answers_are_translated(agent, owner):
    agent.language = "id"
    agent.save(update_fields=["language"])
    client = api_client_for(agent)
    refused = client.patch("/api/workspace", {"name": "Lain"}, format="json")
    assert refused.status_code == 403
    assert refused.json()["message"].startswith("Peran Anda tidak mengizinkan ini")
    missing = client.get("/api/contacts/999999")
    assert missing.status_code == 404 and missing.json()["message"] == "Tidak ditemukan."


def test_a_session_client_of_the_api_keeps_its_saved_language(owner_client, owner):
    owner.language = "id"
    owner.save(update_fields=["language"])
    response = owner_client.post("/api/contacts", BAD_PHONE, content_type="application/json",
                                 HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code in (400, 403)
    assert response["Content-Language"] == "id"
