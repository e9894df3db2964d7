"""Factories for link rotators (built through the service where the cache matters)."""
from rotator import services


def make_rotator(workspace, *, slug="promo-june", phones=("6281111111111", "6282222222222", "6283333333333"),
                 weights=None, **kwargs):
    numbers = [{"phone": p, "weight": (weights[i] if weights else 1), "device": None} for i, p in enumerate(phones)]
    return services.rotator_create(workspace=workspace, slug=slug, numbers=numbers, **kwargs)
