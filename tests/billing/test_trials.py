"""Trials (#19): the plan the operator marks gets new workspaces for its trial days, then Free, nothing deleted;
the owners are reminded once before the end; paying during a trial starts the paid months at once."""
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from audit.models import AuditEntry
from billing import services, trials
from billing.models import Subscription
from billing.selectors import current_plan, current_subscription
from tests.billing.helpers import devices, plan
from tests.factories import MembershipFactory, UserFactory, WorkspaceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pro_trial():
    pro = plan("pro")
    pro.trial_days = 14
    pro.save()
    return pro


def test_no_trial_unless_the_operator_sets_one():
    workspace = WorkspaceFactory()
    assert current_plan(workspace).code == "free"
    assert not Subscription.objects.for_workspace(workspace).exists()


def test_a_new_workspace_starts_on_the_trial_plan(pro_trial):
    workspace = WorkspaceFactory()
    line = current_subscription(workspace)
    assert current_plan(workspace).code == "pro" and line.is_trial and line.amount == 0
    assert timedelta(days=13, hours=23) < line.expiry_date - timezone.now() <= timedelta(days=14)
    assert AuditEntry.objects.filter(workspace=workspace, action="plan.trial_started").count() == 1
    assert trials.trial_start(workspace=workspace) is None  # once per workspace
    assert Subscription.objects.for_workspace(workspace).count() == 1


def test_signup_gets_the_trial(pro_trial, client):
    from accounts.services import user_signup

    user = user_signup(email="new@example.com", password="a-long-pass-phrase-9", workspace_name="Toko Baru")
    workspace = user.membership.workspace
    assert current_plan(workspace).code == "pro"


def test_the_trial_ends_in_free_and_pauses_without_deleting(pro_trial):
    workspace = WorkspaceFactory()
    phones = devices(workspace, 3)
    end = current_subscription(workspace).expiry_date
    assert services.subscriptions_expire(now=end + timedelta(minutes=1)) == 1
    assert current_plan(workspace, end + timedelta(minutes=1)).code == "free"
    for phone in phones:
        phone.refresh_from_db()
    assert len(phones) == 3 and sum(p.is_active_for_broadcast for p in phones) == 1  # paused, not deleted
    assert services.subscriptions_expire(now=end + timedelta(minutes=2)) == 0  # idempotent


def test_paying_during_the_trial_starts_now(pro_trial):
    workspace = WorkspaceFactory()
    trial = current_subscription(workspace)
    assert trial.is_trial
    line = services.subscription_choose(workspace=workspace, actor=None, package_id=pro_trial.pk, months=1)
    paid = services.subscription_mark_paid(subscription_id=line.pk)
    assert paid.starts_at <= timezone.now() and paid.starts_at < trial.expiry_date
    assert current_subscription(workspace).pk == paid.pk
    # the trial's end changes nothing now
    assert services.subscriptions_expire(now=trial.expiry_date + timedelta(minutes=1)) == 1
    assert current_plan(workspace, trial.expiry_date + timedelta(minutes=1)).code == "pro"


def test_the_reminder_goes_once_to_the_owners(pro_trial):
    workspace = WorkspaceFactory(name="Toko Reminder")
    MembershipFactory(workspace=workspace, user=UserFactory(email="boss@example.com"), role="owner")
    MembershipFactory(workspace=workspace, user=UserFactory(email="agent@example.com"), role="agent")
    end = current_subscription(workspace).expiry_date
    assert trials.trials_remind(now=end - timedelta(days=5)) == 0  # too early
    assert trials.trials_remind(now=end - timedelta(days=2, hours=1)) == 1
    assert trials.trials_remind(now=end - timedelta(days=2)) == 0  # once
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["boss@example.com"]
    assert "Pro trial ends in 3 days" in mail.outbox[0].subject and "/billing/" in mail.outbox[0].body


def test_billing_page_shows_the_days_left(pro_trial, client):
    from accounts.models import Membership

    user = UserFactory(email="trial@example.com")
    workspace = WorkspaceFactory()
    MembershipFactory(workspace=workspace, user=user, role=Membership.Role.OWNER)
    client.force_login(user)
    html = client.get("/billing/").content.decode()
    assert 'data-testid="trial-badge"' in html and "14 days left of your free trial" in html


def test_the_dashboard_reminder_speaks_of_the_trial(pro_trial):
    from billing.selectors import expiry_reminder

    workspace = WorkspaceFactory()
    end = current_subscription(workspace).expiry_date
    assert expiry_reminder(workspace, end - timedelta(days=8)) is None
    assert expiry_reminder(workspace, end - timedelta(days=2, hours=1)) == (
        "Your free trial of Pro ends in 3 days. Choose a plan under Billing so nothing gets paused.")
