"""Shared fixtures: the Healthchecks trio (owner Alice, agent Bob, outsider Charlie) for pages and API.

Every test gets its own cache and Redis key prefix, so runs never see each other's counters.
"""
import uuid

import pytest
from django.test import Client
from rest_framework.test import APIClient

from accounts import tokens
from accounts.models import Membership
from tests.factories import PASSWORD, MembershipFactory, UserFactory, WorkspaceFactory


@pytest.fixture(autouse=True)
def _isolated_redis_keys(settings):
    prefix = f"t{uuid.uuid4().hex[:12]}"
    settings.CACHES = {
        "default": {**settings.CACHES["default"], "KEY_PREFIX": prefix},
    }
    settings.SEBAR_REDIS_PREFIX = prefix
    settings.SEBAR_MIN_DELAY_SECONDS = 0
    yield


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language. A request through LocaleMiddleware leaves its language active
    in the thread (a real server activates one per request, so nothing carries over there); without this, a
    test after an Indonesian request would read Indonesian messages."""
    from django.conf import settings as django_settings
    from django.utils import translation

    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _seeded_plans(request):
    """A transactional test (django_db(transaction=True)) empties every table when it ends, the plans the
    migration seeded included; so each test finds Pro and Enterprise again, whichever transactional test ran
    before it in this worker (transactional ones reseed, the others seed inside their rolled-back transaction
    when the table is empty)."""
    marker = request.node.get_closest_marker("django_db")
    if marker:
        import importlib

        from django.apps import apps

        if marker.kwargs.get("transaction") or (marker.args and marker.args[0]):
            request.getfixturevalue("transactional_db")
            importlib.import_module("billing.migrations.0002_seed_packages").seed(apps, None)
            importlib.import_module("billing.migrations.0005_seed_plans_idr").seed(apps, None)
        else:
            # A transactional test that ran earlier in this worker emptied the table for everyone after it.
            request.getfixturevalue("db")
            from billing.models import Package

            if not Package.objects.exists():
                importlib.import_module("billing.migrations.0002_seed_packages").seed(apps, None)
                importlib.import_module("billing.migrations.0005_seed_plans_idr").seed(apps, None)
    yield


@pytest.fixture(scope="session", autouse=True)
def _eager_celery():
    from config.celery import app

    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    yield


@pytest.fixture
def workspace(db):
    return WorkspaceFactory(name="Alpha Store")


@pytest.fixture
def owner(workspace):
    return MembershipFactory(workspace=workspace, role=Membership.Role.OWNER,
                             user=UserFactory(email="alice@example.com", full_name="Alice")).user


@pytest.fixture
def agent(workspace):
    return MembershipFactory(workspace=workspace, role=Membership.Role.AGENT,
                             user=UserFactory(email="bob@example.com", full_name="Bob")).user


@pytest.fixture
def other_workspace(db):
    return WorkspaceFactory(name="Bravo Store")


@pytest.fixture
def outsider(other_workspace):
    return MembershipFactory(workspace=other_workspace, role=Membership.Role.OWNER,
                             user=UserFactory(email="charlie@example.com", full_name="Charlie")).user


def _client(user):
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def api_client_for(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens.issue(user)['access']}")
    return client


@pytest.fixture
def owner_client(owner):
    return _client(owner)


@pytest.fixture
def agent_client(agent):
    return _client(agent)


@pytest.fixture
def outsider_client(outsider):
    return _client(outsider)


@pytest.fixture
def owner_api(owner):
    return api_client_for(owner)


@pytest.fixture
def agent_api(agent):
    return api_client_for(agent)


@pytest.fixture
def outsider_api(outsider):
    return api_client_for(outsider)


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def api_client():
    return APIClient()
