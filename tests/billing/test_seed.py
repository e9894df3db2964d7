"""Seeded plans (#19): the migration's plans, the command that re-seeds, and an operator's edits kept."""
import importlib

import pytest
from django.apps import apps
from django.core.management import call_command

from billing.models import Package
from billing.seed import PLANS, plans_seed

pytestmark = pytest.mark.django_db


def test_the_seeded_plans_and_prices():
    plans = {p.code: p for p in Package.objects.all()}
    assert list(plans) == ["free", "starter", "pro", "business", "enterprise"]
    assert [plans[c].price for c in plans] == [0, 99_000, 199_000, 499_000, 999_000]
    assert plans["pro"].price_for(12) == 1_990_000 and plans["pro"].price_for(3) == 597_000
    assert plans["free"].price_for(12) == 0
    for package in plans.values():
        package.full_clean()


def test_an_untouched_earlier_seed_is_brought_up_to_date():
    Package.objects.all().delete()
    importlib.import_module("billing.migrations.0002_seed_packages").seed(apps, None)
    assert Package.objects.get(code="pro").price == 299_000
    assert plans_seed(Package) == {"free": "updated", "starter": "created", "pro": "updated", "business": "created",
                                   "enterprise": "updated"}
    assert Package.objects.get(code="pro").price == 199_000
    assert Package.objects.get(code="free").limit("ai_replies") == 0


def test_an_operators_edits_are_kept(capsys):
    pro = Package.objects.get(code="pro")
    pro.price, pro.features = 250_000, {"max_agents": 7}
    pro.save()
    Package.objects.filter(code="business").delete()
    call_command("billing_seed_plans")
    out = capsys.readouterr().out
    assert "business: created" in out and "pro: kept" in out
    pro.refresh_from_db()
    assert pro.price == 250_000 and pro.features["max_agents"] == 7  # the operator's values
    assert pro.features["ai_replies"] == next(p for p in PLANS if p["code"] == "pro")["features"]["ai_replies"]


def test_a_name_the_operator_took_is_not_reused():
    Package.objects.filter(code="business").delete()
    Package.objects.filter(code="enterprise").update(name="Business")
    assert plans_seed(Package)["business"] == "skipped"
