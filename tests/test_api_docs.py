"""/api/docs/ is served from this server alone: Swagger UI's files from static/ (the pinned sidecar package),
its start-up script from the split view, no inline script or style and no other host named on the page."""
import re

import pytest
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.django_db


def test_docs_page_names_no_external_host(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert not re.search(r"(https?:)?//(?!127\.0\.0\.1|localhost)[\w.-]+\.\w", html), html
    assert "cdn.jsdelivr" not in html
    assert "<style" not in html
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "an inline script would break under the CSP"
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    for url in sources:
        if url.startswith("/static/"):
            path = url.removeprefix("/static/")
            assert finders.find(path), f"{url} is not in static/"
    assert any("swagger-ui-bundle.js" in url and url.startswith("/static/") for url in sources)


def test_docs_script_is_a_file_that_loads_the_schema(client):
    response = client.get("/api/docs/?script=")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    body = response.content.decode()
    assert "/api/schema/" in body
    assert '"validatorUrl": null' in body  # no badge image from validator.swagger.io
