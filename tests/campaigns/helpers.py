"""Small builders for campaign tests."""
from datetime import timedelta

from django.utils import timezone

from campaigns import services
from campaigns.models import Campaign


def start(driver, workspace, owner, *, tags=("VIP",), message="{Hi|Halo} [name|Kak]!", delay=(0, 0), **kwargs):
    """Create a campaign due now and launch it the way the task would (on-commit callbacks run)."""
    campaign = driver.call(services.campaign_create, workspace=workspace, actor=owner, name="Promo", message=message,
                           tags=list(tags), delay_min=delay[0], delay_max=delay[1],
                           typing_simulation=kwargs.pop("typing_simulation", False), **kwargs)
    if campaign.scheduled_at <= timezone.now():
        driver.call(services.campaign_launch, campaign_id=campaign.pk)
    campaign.refresh_from_db()
    return campaign


def sent_to(waha):
    """Phone digits of every text the emulator received, in order."""
    return [s["chat_id"].split("@")[0] for s in waha.sent()]


def later(seconds):
    return timezone.now() + timedelta(seconds=seconds)


__all__ = ["start", "sent_to", "later", "Campaign"]
