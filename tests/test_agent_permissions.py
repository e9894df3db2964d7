"""An agent of workspace A walks EVERY route: the role matrix decides, and the walk proves it.

For each route and method the permission is read from the view (tests.url_walk.declared_permission),
so routes added later are covered automatically and a route without a declared permission fails.
Routes the matrix forbids to agents must answer 403 (405 if the route does not take the method) and
change nothing; routes it allows must not answer a role 403.
"""
import pytest

from accounts.models import Membership
from accounts.permissions import can
from tests.url_walk import (
    PUBLIC_ROUTE,
    build_world,
    declared_permission,
    fill,
    iter_routes,
    snapshot,
    url_for,
)

pytestmark = pytest.mark.django_db

OBJECT_METHODS = ["get", "post", "put", "patch", "delete"]
LIST_METHODS = ["get", "post"]


def _is_plan_limit(response):
    # A plan limit is also a 403, but it is billing's answer, not the role matrix's.
    try:
        return response.json().get("error") == "plan_limit_reached"
    except (ValueError, AttributeError):
        return False


def test_agent_walk_follows_the_matrix(workspace, owner, agent, agent_client, agent_api):
    values, public = build_world(workspace, owner)
    membership = agent.membership
    walked, forbidden_seen, problems = 0, 0, []
    forbidden_permissions = set()
    for route, kwarg_names in iter_routes():
        kwargs = fill(route, kwarg_names, values)
        url = url_for(route, kwargs)
        client = agent_api if url.startswith("/api/") else agent_client
        for method in OBJECT_METHODS if kwargs else LIST_METHODS:
            try:
                permission = declared_permission(url, method, public)
            except AssertionError as exc:
                problems.append(str(exc))
                break
            allowed = permission == PUBLIC_ROUTE or can(membership, permission)
            before = snapshot(workspace) if not allowed and method != "get" else None
            response = getattr(client, method)(url)
            walked += 1
            where = f"{method.upper()} {url} ({route}, needs {permission})"
            if response.status_code >= 500:
                problems.append(f"{where}: server error {response.status_code}")
            if permission == PUBLIC_ROUTE:
                continue
            if not allowed:
                forbidden_seen += 1
                forbidden_permissions.add(permission)
                if response.status_code not in (403, 405):
                    problems.append(f"{where}: the matrix forbids agents, but it answered {response.status_code}")
                if before is not None and snapshot(workspace) != before:
                    problems.append(f"{where}: an agent changed workspace data on a forbidden route")
            elif response.status_code == 403 and not _is_plan_limit(response):
                problems.append(f"{where}: the matrix allows agents, but it answered 403")
    assert not problems, "\n".join(problems)
    # The walk really reached the guarded areas (a walk that visited nothing would pass above).
    assert walked > 100 and forbidden_seen > 20, (walked, forbidden_seen)
    assert {"billing:manage", "team:manage"} <= forbidden_permissions, forbidden_permissions
    # No route let the agent promote itself: read the role again from the database, not the cached object.
    assert Membership.objects.get(pk=membership.pk).role == Membership.Role.AGENT


def test_a_route_without_a_declared_permission_fails_the_walk(settings):
    """The introspection refuses a plain view, so a new route cannot slip past the matrix."""
    from django.http import HttpResponse
    from django.urls import clear_url_caches, path

    import config.urls

    def naked(request):
        return HttpResponse("hi")

    original = list(config.urls.urlpatterns)
    config.urls.urlpatterns.insert(0, path("naked-test-route/", naked, name="naked-test-route"))
    clear_url_caches()
    try:
        with pytest.raises(AssertionError, match="naked-test-route .* declares no permission"):
            declared_permission("/naked-test-route/", "get", {})
        assert declared_permission("/naked-test-route/", "get", {"naked-test-route": "reason"}) == PUBLIC_ROUTE
        assert declared_permission("/billing/", "get", {}) == "billing:manage"
        assert declared_permission("/api/team/invitations", "delete", {}) == "team:manage"
        assert declared_permission("/api/packages", "get", {}) == PUBLIC_ROUTE
    finally:
        config.urls.urlpatterns[:] = original
        clear_url_caches()
