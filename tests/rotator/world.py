"""Workspace A's link rotator for the tenant walk (tests/test_tenant_isolation.py)."""
from tests.url_walk import MARKER

from .factories import make_rotator

PUBLIC = {"link:redirect": "the public link anyone with the URL may follow: that is its purpose",
          "link:not-found": "the page a mistyped public link shows: names nothing of any workspace"}


def build(workspace, owner):
    rotator = make_rotator(workspace, slug="alpha-secret-link", name=MARKER, text=f"Hi {MARKER}")
    ids = {"pk": rotator.pk}
    return {
        "link:redirect": {"slug": rotator.slug},
        "link:not-found": {"rest": "alpha-secret-link/typo"},
        "rotator:edit": ids, "rotator:delete": ids, "rotator:stats": ids, "rotator:qr": ids,
        "api:rotator-detail": ids, "api:rotator-stats": ids,
    }
