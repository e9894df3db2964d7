"""One tenant's auto-replies cannot stall everyone (issue 12 #3): matched outside any transaction, capped in
number, and one time budget per message across all rules."""
import logging
from types import SimpleNamespace

import pytest
from django.db import connection

from config.errors import UserError
from inbox import matching
from inbox.autoreplies import autoreply_save
from tests.inbox.conftest import envelope

pytestmark = pytest.mark.django_db


def rule(keyword, match_type="CONTAINS"):
    return SimpleNamespace(keyword=keyword, match_type=match_type)


def test_one_budget_per_message_across_all_rules(monkeypatch, settings, caplog):
    settings.AUTO_REPLY_MATCH_BUDGET_SECONDS = 0.25
    now = [0.0]
    monkeypatch.setattr(matching, "clock", lambda: now[0])
    tried = []

    def slow(keyword, match_type, text, *, timeout):
        tried.append((keyword, timeout))
        now[0] += 0.05  # each rule uses up its whole 50 ms
        return False

    monkeypatch.setattr(matching, "matches", slow)
    rules = [rule(f"(a+)+b{n}", "REGEX") for n in range(420)]
    with caplog.at_level(logging.WARNING, logger="inbox.matching"):
        assert matching.first_match(rules, "a" * 5000) is None
    assert len(tried) == 5  # 0.25 s of budget at 50 ms a rule, not 420 × 50 ms = 21 s
    assert all(timeout <= matching.REGEX_TIMEOUT for _k, timeout in tried)
    assert "ran out of its" in caplog.text


def test_the_last_rule_gets_only_what_is_left(monkeypatch, settings):
    settings.AUTO_REPLY_MATCH_BUDGET_SECONDS = 0.07
    now = [0.0]
    monkeypatch.setattr(matching, "clock", lambda: now[0])
    timeouts = []

    def slow(keyword, match_type, text, *, timeout):
        timeouts.append(round(timeout, 3))
        now[0] += timeout
        return False

    monkeypatch.setattr(matching, "matches", slow)
    matching.first_match([rule("x", "REGEX"), rule("y", "REGEX"), rule("z", "REGEX")], "text")
    assert timeouts == [0.05, 0.02]


def test_rules_and_regex_rules_are_capped_per_workspace(workspace, other_workspace, settings):
    settings.AUTO_REPLY_MAX_RULES, settings.AUTO_REPLY_MAX_REGEX_RULES = 3, 1
    autoreply_save(workspace=workspace, keyword="^harga", match_type="REGEX", response_text="Rp 10.000")
    with pytest.raises(UserError) as info:
        autoreply_save(workspace=workspace, keyword="^ongkir", match_type="REGEX", response_text="Gratis")
    assert info.value.code == "too_many_regex_rules" and "Contains" in info.value.message
    plain = autoreply_save(workspace=workspace, keyword="ongkir", match_type="CONTAINS", response_text="Gratis")
    with pytest.raises(UserError):  # turning a plain rule into a REGEX one counts too
        autoreply_save(workspace=workspace, rule=plain, keyword="^ongkir", match_type="REGEX", response_text="G")
    autoreply_save(workspace=workspace, keyword="halo", match_type="EXACT", response_text="Halo!")
    with pytest.raises(UserError) as info:
        autoreply_save(workspace=workspace, keyword="jam", match_type="CONTAINS", response_text="9-5")
    assert info.value.code == "too_many_rules"
    # Editing an existing rule is never refused by the cap, and another workspace has its own room.
    autoreply_save(workspace=workspace, rule=plain, keyword="ongkos", match_type="CONTAINS", response_text="G")
    autoreply_save(workspace=other_workspace, keyword="^x", match_type="REGEX", response_text="y")


def test_the_page_says_what_to_do_when_over_the_cap(owner_client, workspace, settings):
    settings.AUTO_REPLY_MAX_REGEX_RULES = 0
    response = owner_client.post("/inbox/auto-replies/new/", {
        "keyword": "^harga", "match_type": "REGEX", "response_text": "Rp 10.000", "priority": 100,
        "is_active": "on"})
    assert "at most 0 regular-expression rules" in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_matching_runs_outside_any_transaction(device, waha, deliver, monkeypatch):
    autoreply_save(workspace=device.workspace, keyword="harga", match_type="CONTAINS", response_text="Rp 10.000")
    seen = []
    real = matching.first_match

    def spy(rules, text):
        seen.append(connection.in_atomic_block)
        return real(rules, text)

    monkeypatch.setattr("inbox.replies.first_match", spy)
    deliver(device, envelope("berapa harga kain ini?"))
    assert seen == [False]
