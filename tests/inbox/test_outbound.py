"""Outbound requests to a URL a tenant typed (config/outbound.py, inbox.assistant.ai_config): the operator's
key never leaves for a tenant's URL, internal addresses are refused when saved and again on connect (DNS
rebinding), and an upstream's error body never reaches the tenant. Everything runs on loopback."""
import socket

import pytest
from django.urls import reverse

from config.outbound import OutboundRefused, address_allowed
from inbox.autoreplies import assistant_settings_update
from inbox.knowledge import knowledge_source_create
from inbox.models import KnowledgeSource
from inbox.services import settings_for
from tests.inbox.fake_openai import FakeOpenAI

pytestmark = pytest.mark.django_db


@pytest.fixture
def ai_plan(workspace):
    from tests.billing.helpers import paid

    paid(workspace, "pro")


def _index(workspace, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        knowledge_source_create(workspace=workspace, kind="text", title="Hours", text="We open at nine.")
    return KnowledgeSource.objects.get()


def test_operator_key_is_never_sent_to_a_tenant_url(workspace, settings, ai_plan,
                                                     django_capture_on_commit_callbacks):
    settings.OUTBOUND_ALLOW_HTTP, settings.OUTBOUND_ALLOWED_NETWORKS = True, ["127.0.0.0/8"]
    with FakeOpenAI() as operator, FakeOpenAI() as tenant:
        settings.OPENAI_API_KEY, settings.OPENAI_BASE_URL = "sk-operator", operator.base_url
        row = settings_for(workspace)
        row.base_url = tenant.base_url  # a URL, no key of its own
        row.save()
        _index(workspace, django_capture_on_commit_callbacks)
    assert tenant.requests == [] and operator.requests == []
    from inbox.assistant import ai_config

    assert ai_config(row).api_key == ""


def test_tenant_key_still_works_on_the_operator_url(workspace, settings, ai_plan,
                                                    django_capture_on_commit_callbacks):
    with FakeOpenAI() as operator:
        settings.OPENAI_API_KEY, settings.OPENAI_BASE_URL = "sk-operator", operator.base_url
        row = settings_for(workspace)
        row.api_key = "sk-tenant"
        row.save()
        assert _index(workspace, django_capture_on_commit_callbacks).embedded
    assert {r["auth"] for r in operator.requests} == {"Bearer sk-tenant"}


@pytest.mark.parametrize("url", ["https://127.0.0.1/v1", "https://localhost:8080/v1", "https://10.1.2.3/v1",
                                 "https://169.254.169.254/latest", "https://[::1]/v1", "https://[fd00::1]/v1",
                                 "https://[::ffff:127.0.0.1]/v1", "https://192.168.0.10/v1"])
def test_internal_addresses_are_refused_when_saved(workspace, url):
    with pytest.raises(OutboundRefused) as caught:
        assistant_settings_update(settings=settings_for(workspace), base_url=url)
    assert "private or internal" in caught.value.message and caught.value.fields == {"base_url": "private"}
    assert settings_for(workspace).base_url == ""


def test_plain_http_needs_the_operator_setting(workspace, settings, monkeypatch):
    monkeypatch.setattr(socket, "getaddrinfo", _resolver({"api.example.com": "93.184.216.34"}))
    with pytest.raises(OutboundRefused, match="https"):
        assistant_settings_update(settings=settings_for(workspace), base_url="http://api.example.com/v1")
    settings.OUTBOUND_ALLOW_HTTP = True
    assistant_settings_update(settings=settings_for(workspace), base_url="http://api.example.com/v1")
    assert settings_for(workspace).base_url == "http://api.example.com/v1"


def test_the_assistant_page_says_what_to_fix(owner_client, workspace):
    response = owner_client.post(reverse("inbox:assistant"), {"min_similarity": 0.35, "faq_min_score": 1,
                                                 "bot_replies_per_hour": 5, "base_url": "https://127.0.0.1/v1"})
    assert response.status_code == 200 and b"private or internal" in response.content
    assert settings_for(workspace).base_url == ""


def _resolver(answers, later=None):
    """getaddrinfo answering `answers` first, then `later` (a DNS rebinding) for the same names."""
    real, seen = socket.getaddrinfo, set()

    def fake(host, port, *args, **kwargs):
        if host in answers:
            address = later[host] if later and host in seen else answers[host]
            seen.add(host)
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, int(port or 0)))]
        return real(host, port, *args, **kwargs)

    return fake


def test_a_host_rebinding_to_loopback_is_refused_on_connect(workspace, settings, ai_plan, monkeypatch,
                                                            django_capture_on_commit_callbacks):
    settings.OUTBOUND_ALLOW_HTTP = True
    with FakeOpenAI() as internal:
        port = internal.base_url.rsplit(":", 1)[1].split("/")[0]
        row = settings_for(workspace)
        row.base_url, row.api_key = f"http://rebind.example:{port}/v1", "sk-tenant"
        row.save()
        # The check when the URL is used sees a public address; the connection then resolves to loopback.
        monkeypatch.setattr(socket, "getaddrinfo", _resolver({"rebind.example": "93.184.216.34"},
                                                             later={"rebind.example": "127.0.0.1"}))
        source = _index(workspace, django_capture_on_commit_callbacks)
    assert internal.requests == []
    source.refresh_from_db()
    assert source.status == KnowledgeSource.Status.FAILED and "127.0.0.1" not in source.last_error


def test_upstream_error_bodies_stay_in_the_log(workspace, settings, ai_plan, django_capture_on_commit_callbacks):
    with FakeOpenAI() as operator:
        operator.fail_embeddings = "internal secret: redis://10.0.0.7:6379"
        settings.OPENAI_API_KEY, settings.OPENAI_BASE_URL = "sk-operator", operator.base_url
        source = _index(workspace, django_capture_on_commit_callbacks)
    source.refresh_from_db()
    assert source.status == KnowledgeSource.Status.FAILED
    assert "secret" not in source.last_error and "10.0.0.7" not in source.last_error
    assert "embeddings service" in source.last_error


@pytest.mark.parametrize("address,allowed", [("93.184.216.34", True), ("127.0.0.1", False), ("10.0.0.1", False),
                                             ("100.64.0.1", False), ("169.254.169.254", False), ("fd00::1", False),
                                             ("fe80::1", False), ("::ffff:10.0.0.1", False), ("0.0.0.0", False),  # noqa: S104 - an address checked, not bound
                                             ("2606:4700::1111", True)])
def test_address_classes(address, allowed, settings):
    assert address_allowed(address) is allowed
    settings.OUTBOUND_ALLOWED_NETWORKS = ["10.0.0.0/24"]
    assert address_allowed("10.0.0.1")
