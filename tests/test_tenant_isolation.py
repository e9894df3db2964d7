"""Workspace B can neither read nor change workspace A's objects, on any route the project registers."""
import pytest

from accounts.tenancy import WorkspaceOwned
from tests.url_walk import MARKER, build_world, fill, iter_routes, snapshot, tenant_models, url_for

pytestmark = pytest.mark.django_db

OBJECT_METHODS = ["get", "post", "put", "patch", "delete"]
LIST_METHODS = ["get", "post"]


def test_every_route_hides_workspace_a_from_workspace_b(workspace, owner, outsider_client, outsider_api):
    values, public = build_world(workspace, owner)
    before = snapshot(workspace)
    walked, problems = 0, []
    for route, kwarg_names in iter_routes():
        kwargs = fill(route, kwarg_names, values)
        url = url_for(route, kwargs)
        client = outsider_api if url.startswith("/api/") else outsider_client
        for method in OBJECT_METHODS if kwargs else LIST_METHODS:
            response = getattr(client, method)(url)
            walked += 1
            body = b"" if getattr(response, "streaming", False) else response.content
            if response.status_code >= 500:
                problems.append(f"{method.upper()} {url} ({route}): server error {response.status_code}")
            if MARKER.encode() in body:
                problems.append(f"{method.upper()} {url} ({route}): shows workspace A's data to workspace B")
            if kwargs and route not in public and response.status_code not in (404, 405):
                problems.append(
                    f"{method.upper()} {url} ({route}): answered {response.status_code} for another workspace's "
                    "object; it must be 404 (or 405 for a method the route does not take)"
                )
    assert walked > 0
    assert not problems, "\n".join(problems)
    assert snapshot(workspace) == before, "workspace B changed workspace A's rows"


def test_every_tenant_model_uses_the_one_mechanism():
    """Any Sebar model with a workspace key inherits WorkspaceOwned (for_workspace, non-null key)."""
    from django.apps import apps

    offenders = []
    for model in apps.get_models():
        if model._meta.app_label not in {"billing", "devices", "contacts", "campaigns", "inbox", "rotator"}:
            continue
        has_ws = any(f.name == "workspace" for f in model._meta.get_fields())
        if has_ws and not issubclass(model, WorkspaceOwned):
            offenders.append(model._meta.label)
    assert not offenders, f"use accounts.tenancy.WorkspaceOwned for {offenders}"
    for model in tenant_models():
        assert model._meta.get_field("workspace").null is False
