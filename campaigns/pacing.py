"""The engine's clocks: leases, delays and typing time, each read from settings or the campaign.

Plain functions with no queries, so the engine, its beat jobs and the ETA estimate agree on one definition.
"""
import random

from django.conf import settings


def lease_seconds():
    """After this long a SENDING row that was attempted is settled as "outcome unknown"."""
    return settings.SEBAR_SEND_LEASE_SECONDS


def unattempted_lease_seconds():
    """A SENDING row never attempted for this long lost its deliver task; it goes back to PENDING."""
    return settings.SEBAR_CLAIM_LEASE_SECONDS


def arm_grace_seconds():
    """How late a chain's next task may run before the kick considers it lost and starts another."""
    return settings.SEBAR_ARM_GRACE_SECONDS


def retry_backoff_seconds():
    return settings.SEBAR_RETRY_BACKOFF_SECONDS


def send_hold_seconds():
    """How long a slot is held while its HTTP call runs (the client's read timeout and some)."""
    return settings.SEBAR_SEND_HOLD_SECONDS


MAX_ATTEMPTS = 3

MAX_COUNTDOWN = 900
TYPING_SECONDS_PER_CHAR = 0.05
TYPING_MAX_SECONDS = 8.0


# ---------------------------------------------------------------- small pieces


def typing_seconds(campaign, text):
    """Typing time for `text`: proportional to its length, at most 8 s and at most half the minimum delay."""
    if not campaign.typing_simulation:
        return 0.0
    return min(len(text) * TYPING_SECONDS_PER_CHAR, TYPING_MAX_SECONDS, campaign.delay_min / 2)


def prep_lead_seconds():
    """How early a step starts its preparation (claim, WhatsApp check) so the send itself is on the slot."""
    return settings.SEBAR_PREP_LEAD_SECONDS


def typing_lead(campaign):
    """How long before a device's slot its next step starts: preparation, then typing ends as the slot opens."""
    typing = min(TYPING_MAX_SECONDS, campaign.delay_min / 2) if campaign.typing_simulation else 0.0
    return prep_lead_seconds() + typing


def min_delay(campaign):
    return max(campaign.delay_min, settings.SEBAR_MIN_DELAY_SECONDS)


def draw_delay(campaign, rng=random):
    low = min_delay(campaign)
    return rng.uniform(low, max(low, campaign.delay_max))


def countdown(seconds):
    """A countdown for a queued task: never negative, never past MAX_COUNTDOWN (far below Redis visibility)."""
    return max(0.0, min(float(seconds), MAX_COUNTDOWN))
