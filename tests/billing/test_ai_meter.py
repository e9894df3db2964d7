"""The monthly AI-answer meter in billing.limits: the allowance, the month in the shop's zone, idempotency."""
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from billing import limits
from billing.errors import LimitReached
from tests.billing.helpers import paid, plan

pytestmark = pytest.mark.django_db


def test_free_has_no_ai_answers(workspace):
    with pytest.raises(LimitReached) as info:
        limits.ai_answer_reserve(workspace=workspace, message_id=1)
    assert info.value.limit == 0 and "does not include AI replies" in info.value.message


def test_the_allowance_is_monthly_in_the_workspace_zone(workspace):
    workspace.time_zone = "Asia/Jakarta"
    workspace.save()
    starter = plan("starter")
    starter.features = {**starter.features, "ai_replies": 1}
    starter.save()
    paid(workspace, "starter", expiry=datetime(2031, 1, 1, tzinfo=ZoneInfo("UTC")))
    late_may = datetime(2030, 5, 31, 16, 30, tzinfo=ZoneInfo("UTC"))  # 23:30 in Jakarta: still May
    assert limits.ai_answer_reserve(workspace=workspace, message_id=10, now=late_may) is True
    with pytest.raises(LimitReached) as info:
        limits.ai_answer_reserve(workspace=workspace, message_id=11, now=late_may)
    assert "until 1 June 2030" in info.value.message and info.value.used == 1
    early_june = datetime(2030, 5, 31, 17, 30, tzinfo=ZoneInfo("UTC"))  # 00:30 on 1 June in Jakarta
    assert limits.ai_answer_reserve(workspace=workspace, message_id=11, now=early_june) is True
    assert limits.ai_answers_used(workspace, now=early_june) == 1 and limits.ai_answers_used(workspace, late_may) == 1


def test_reserve_is_idempotent_and_release_gives_it_back(workspace):
    paid(workspace, "starter")
    assert limits.ai_answer_reserve(workspace=workspace, message_id=5) is True
    assert limits.ai_answer_reserve(workspace=workspace, message_id=5) is False
    assert limits.ai_answers_used(workspace) == 1
    limits.ai_answer_release(workspace=workspace, message_id=5)
    assert limits.ai_answers_used(workspace) == 0


def test_unlimited_plan_and_legacy_true(workspace):
    paid(workspace, "enterprise")
    for n in range(3):
        limits.ai_answer_reserve(workspace=workspace, message_id=n)
    pro = plan("pro")
    pro.features = {**pro.features, "ai_replies": True}  # a plan written before metering: unlimited
    pro.full_clean()
    assert pro.limit("ai_replies") is None
    pro.features["ai_replies"] = False
    assert pro.limit("ai_replies") == 0


def test_usage_api_shows_ai_answers(owner_api, workspace):
    paid(workspace, "pro")
    limits.ai_answer_reserve(workspace=workspace, message_id=7)
    usage = {row["resource"]: row for row in owner_api.get("/api/subscriptions/current").json()["usage"]}
    assert usage["ai_replies"] == {"resource": "ai_replies", "used": 1, "limit": 1_000}


def test_billing_page_shows_ai_answers(owner_client, workspace):
    paid(workspace, "pro")
    limits.ai_answer_reserve(workspace=workspace, message_id=7)
    html = owner_client.get("/billing/").content.decode()
    assert 'data-testid="usage-ai_replies">1 / 1,000' in html and "1,000 AI answers a month" in html
