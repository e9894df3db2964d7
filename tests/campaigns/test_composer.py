"""The composer's parts (#20.14): speed presets that say which delays apply, distinct preview samples, the
searchable tag pickers, "send a test to my number", drafts and the dd/mm/yyyy schedule."""
import re

import pytest

from campaigns.forms import CampaignForm
from campaigns.models import DELAY_PRESETS, Campaign

pytestmark = pytest.mark.django_db


@pytest.fixture
def ready(workspace, make_device, make_contacts):
    device = make_device(workspace, label="Sales 1")
    make_contacts(workspace, 3, tags=["VIP"])
    return device


@pytest.fixture
def no_engine(monkeypatch):
    from campaigns import engine

    monkeypatch.setattr(engine, "_arm_step", lambda *a: None)


# ---------------------------------------------------------------- speed presets


def test_each_preset_option_carries_its_delays_and_the_fields_start_with_the_default_one():
    html = str(CampaignForm()["preset"])
    for name, (low, high) in DELAY_PRESETS.items():
        option = re.search(rf'<option value="{name}"[^>]*>', html).group(0)
        assert f'data-delay-min="{low}"' in option and f'data-delay-max="{high}"' in option
    custom = re.search(r'<option value=""[^>]*>', html).group(0)
    assert "data-delay" not in custom
    form = CampaignForm()
    assert form["preset"].value() == "safe"
    assert (form["delay_min"].value(), form["delay_max"].value()) == DELAY_PRESETS["safe"]
    assert "choose Custom" in str(form.fields["preset"].help_text)


@pytest.mark.parametrize(("preset", "typed", "applied"), [
    ("fast", ("9", "12"), DELAY_PRESETS["fast"]),  # a preset's delays win over the fields (the help text says so)
    ("", ("9", "12"), (9, 12)),  # Custom: the typed delays
])
def test_the_one_rule_decides_which_delays_apply(owner_client, ready, no_engine, preset, typed, applied,
                                                 django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post("/campaigns/new/", {
            "name": "Pace", "message": "Hi", "tags": ["VIP"], "preset": preset, "delay_min": typed[0],
            "delay_max": typed[1], "daily_cap_per_device": "0"})
    assert response.status_code == 302
    campaign = Campaign.objects.get(name="Pace")
    assert (campaign.delay_min, campaign.delay_max) == applied


def test_composer_page_loads_its_script_without_inline_code(owner_client, ready):
    html = owner_client.get("/campaigns/new/").content.decode()
    assert "js/composer.js" in html
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline <script> (the CSP forbids it)"
    assert not re.search(r"\son[a-z]+=", html.split("<main", 1)[-1]), "inline handler (the CSP forbids it)"
