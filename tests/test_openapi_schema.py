"""The OpenAPI schema at /api/schema/ covers every endpoint: drf-spectacular drops a view it cannot describe
with only a warning or error on stderr, so this test turns any of them into a failure."""
import re

import pytest
from drf_spectacular.drainage import GENERATOR_STATS, reset_generator_stats
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema


@pytest.fixture(scope="module")
def generated():
    """(schema, warnings and errors) from one in-process generation, as `manage.py spectacular` does it."""
    reset_generator_stats()
    try:
        with GENERATOR_STATS.silence():
            schema = SchemaGenerator().get_schema(request=None, public=True)
        problems = sorted([*GENERATOR_STATS._warn_cache, *GENERATOR_STATS._error_cache])
    finally:
        reset_generator_stats()
    return schema, problems


def _ref(schema, ref):
    return schema["components"]["schemas"][ref["$ref"].rsplit("/", 1)[1]]


def test_schema_generates_without_warnings_or_errors(generated):
    schema, problems = generated
    assert problems == []
    validate_schema(schema)  # a valid OpenAPI 3 document, or /api/docs/ cannot render it


@pytest.mark.parametrize(("path", "method"), [
    ("/api/campaign/start", "post"),
    ("/api/campaign/preview", "post"),
    ("/api/campaign/audience", "get"),
    ("/api/campaign/stats/{campaign_id}", "get"),
    ("/api/campaigns", "get"),
    ("/api/campaigns/{campaign_id}", "get"),
    ("/api/campaigns/{campaign_id}/recipients.csv", "get"),
    ("/api/campaign/{campaign_id}/start", "post"),
    ("/api/campaign/{campaign_id}/pause", "post"),
    ("/api/campaign/{campaign_id}/resume", "post"),
    ("/api/campaign/{campaign_id}/cancel", "post"),
    ("/api/contacts", "get"),
    ("/api/contacts/{id}", "patch"),
    ("/api/contacts/bulk", "post"),
    ("/api/contacts/export", "get"),
    ("/api/contacts/upload", "post"),
    ("/api/contacts/imports/{public_id}", "get"),
    ("/api/contacts/imports/{public_id}", "post"),
    ("/api/contacts/groups", "get"),
    ("/api/contacts/grab", "post"),
    ("/api/devices", "post"),
    ("/api/auth/login", "post"),
])
def test_key_operations_are_documented(generated, path, method):
    schema, _ = generated
    operation = schema["paths"].get(path, {}).get(method)
    assert operation is not None
    # A view drf-spectacular could not read keeps its path but loses its bodies: each of these answers one.
    assert any(code.startswith("2") and "content" in answer for code, answer in operation["responses"].items())


def test_operation_ids_are_unique(generated):
    schema, _ = generated
    ids = [op["operationId"] for ops in schema["paths"].values() for m, op in ops.items() if m != "parameters"]
    assert len(ids) == len(set(ids))


def test_bodies_match_what_the_views_read_and_return(generated):
    schema, _ = generated
    paths = schema["paths"]

    start = paths["/api/campaign/start"]["post"]
    body = _ref(schema, start["requestBody"]["content"]["application/json"]["schema"])
    assert {"message", "tags", "schedule", "name", "exclude_tags", "devices", "media", "delay_min",
            "delay_max"} <= set(body["properties"])
    assert body["required"] == ["message"]
    assert body["properties"]["tags"]["type"] == "array"
    assert "multipart/form-data" in start["requestBody"]["content"]  # media is a file
    error = _ref(schema, start["responses"]["400"]["content"]["application/json"]["schema"])
    assert set(error["properties"]) == {"error", "message", "fields"}

    stats = paths["/api/campaign/stats/{campaign_id}"]["get"]
    assert stats["parameters"][0]["schema"]["type"] == "integer"
    stats_body = _ref(schema, stats["responses"]["200"]["content"]["application/json"]["schema"])
    assert {"total", "pending", "sent", "delivered", "read", "failed", "skipped", "per_device", "started_at",
            "eta"} <= set(stats_body["properties"])

    upload = paths["/api/contacts/upload"]["post"]
    upload_body = _ref(schema, upload["requestBody"]["content"]["multipart/form-data"]["schema"])
    assert upload_body["properties"]["file"]["format"] == "binary"
    assert {"201", "202"} <= set(upload["responses"])

    export = paths["/api/contacts/export"]["get"]["responses"]["200"]["content"]
    assert {"text/csv", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"} <= set(export)


@pytest.mark.django_db
def test_documented_shapes_are_the_returned_ones():
    """The stats and preview bodies are dicts built in selectors: their schema lists exactly their keys."""
    from campaigns.api.serializers import PreviewResultSerializer, StatsSerializer
    from campaigns.models import Campaign
    from campaigns.preview import message_preview
    from campaigns.selectors import campaign_stats
    from tests.factories import WorkspaceFactory

    workspace = WorkspaceFactory()
    campaign = Campaign.objects.create(workspace=workspace, name="Promo", message_template="Hi [name]")
    assert set(campaign_stats(campaign)) == set(StatsSerializer().fields)
    assert set(message_preview(workspace, "{Hi|Hello} [name]")) == set(PreviewResultSerializer().fields)


def _api_routes(patterns=None, prefix="/"):
    """Every route's path in OpenAPI's template form ("/api/campaigns/{campaign_id}"), from the resolver."""
    from django.urls import URLPattern, URLResolver, get_resolver

    for entry in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(entry.pattern).lstrip("^").rstrip("$")
        if isinstance(entry, URLResolver):
            yield from _api_routes(entry.url_patterns, route)
        elif isinstance(entry, URLPattern) and route.startswith("/api/") and "format" not in route:
            route = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"{\1}", route)  # re_path groups
            yield entry.name, re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)


def test_every_api_route_is_in_the_schema(generated):
    """Read from the URL resolver, not from a list kept by hand: a new /api/ route that drf-spectacular drops
    (a plain Django view, an excluded view) fails here instead of missing from /api/docs/ unnoticed."""
    schema, _ = generated
    routes = list(_api_routes())
    assert len(routes) > 40 and ("campaign-start-draft", "/api/campaign/{campaign_id}/start") in routes
    def shape(path):  # drf-spectacular names a "pk" parameter "id": compare where the parameters are
        return re.sub(r"{\w+}", "{}", path)

    documented = {shape(path) for path in schema["paths"]}
    missing = [f"{name}: {path}" for name, path in routes
               if shape(path) not in documented and not path.startswith(("/api/docs", "/api/schema"))]
    assert missing == []
