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


# ---------------------------------------------------------------- preview samples


def test_preview_samples_are_distinct_variants_each_for_another_contact(workspace, make_contacts):
    import random

    from campaigns.preview import message_preview

    make_contacts(workspace, 4)
    for seed in range(40):  # whatever the draws: three samples, three variants, three contacts
        preview = message_preview(workspace, "{Hi|Halo|Hey} [name]", rng=random.Random(seed))
        greetings = [text.split()[0] for text in preview["samples"]]
        assert sorted(greetings) == ["Halo", "Hey", "Hi"], (seed, preview["samples"])
        names = [c["name"] for c in preview["sample_contacts"]]
        assert names == ["Kontak 0", "Kontak 1", "Kontak 2"]
        assert all(name in text for name, text in zip(names, preview["samples"], strict=True))


def test_preview_shows_fewer_samples_when_the_message_has_fewer_variants(workspace, make_contacts):
    from campaigns.preview import message_preview

    make_contacts(workspace, 3)
    one = message_preview(workspace, "Hi [name]")
    assert one["variants"] == 1 and one["samples"] == ["Hi Kontak 0"]
    two = message_preview(workspace, "{Hi|Halo} [name]")
    assert len(two["samples"]) == 2 and {t.split()[0] for t in two["samples"]} == {"Hi", "Halo"}
    # A fallback's variants exist only for a contact without a name: every contact here has one.
    named = message_preview(workspace, "[name|{Kak|Sis}]")
    assert named["variants"] == 2 and named["samples"] == ["Kontak 0"]


def test_preview_without_contacts_uses_the_sample_values_and_a_given_contact_fills_every_sample(
        workspace, make_contacts, other_workspace):
    from campaigns.preview import message_preview

    make_contacts(other_workspace, 2)  # another workspace's contacts are never shown
    empty = message_preview(workspace, "{Hi|Halo} [name] [city]")
    assert {t.split(" ", 1)[1] for t in empty["samples"]} == {"Budi Bandung"}
    assert empty["contact"]["id"] is None and len(empty["samples"]) == 2
    ani, = make_contacts(workspace, 1)
    make_contacts(workspace, 2, start=5)
    chosen = message_preview(workspace, "{Hi|Halo|Hey} [name]", contact=ani)
    assert [c["id"] for c in chosen["sample_contacts"]] == [ani.pk] * 3


def test_preview_partial_labels_each_sample_with_its_contact(owner_client, workspace, make_contacts):
    make_contacts(workspace, 3)
    html = owner_client.post("/campaigns/preview/", {"message": "{Hi|Halo|Hey} [name]"}).content.decode()
    assert html.count('class="bubble"') == 3 and "3 variants" in html
    for i in range(3):
        assert f"for Kontak {i}" in html
    assert owner_client.post("/campaigns/preview/", {"message": "Hi"}).content.decode().count('class="bubble"') == 1


# ---------------------------------------------------------------- tag pickers


def _tags(workspace, n):
    from contacts.models import Tag

    Tag.objects.bulk_create([Tag(workspace=workspace, name=f"tag-{i:03d}") for i in range(n)])


def _picker(html, name):
    """The <ul> of one picker and the names of its checkboxes in page order."""
    start = html.index(f'<input type="checkbox" name="{name}"')
    block = html[html.rindex("<fieldset", 0, start):html.index("</fieldset>", start)]
    return block, re.findall(rf'name="{name}" value="([^"]+)"', block)


def test_tag_pickers_list_hundreds_of_tags_as_plain_checkboxes(owner_client, workspace, ready):
    _tags(workspace, 300)
    html = owner_client.get("/campaigns/new/").content.decode()
    for name in ("tags", "exclude_tags"):
        block, values = _picker(html, name)
        assert len(values) == 301 and set(values) == {"VIP", *(f"tag-{i:03d}" for i in range(300))}
        assert 'data-multiselect-list' in block and "0 selected" in block
        assert re.search(r"<input[^>]*data-multiselect-filter[^>]*hidden", block)  # shown by the script only
        assert "style=" not in block


def test_ticked_tags_come_first_and_are_counted_when_the_form_comes_back(owner_client, workspace, ready):
    _tags(workspace, 50)
    response = owner_client.post("/campaigns/new/", {"name": "x", "message": "Hi {", "preset": "safe",
                                                     "tags": ["tag-040", "tag-007"], "exclude_tags": ["tag-020"]})
    html = response.content.decode()
    block, values = _picker(html, "tags")
    assert values[:2] == ["tag-007", "tag-040"] and len(values) == 51 and "2 selected" in block
    block, values = _picker(html, "exclude_tags")
    assert values[0] == "tag-020" and "1 selected" in block


# ---------------------------------------------------------------- send a test to my number

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _test_send(client, htmx=True, **data):
    body = {"message": "{Hi|Halo} [name]", "test_phone": "0812 9999 0001", **data}
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return client.post("/campaigns/test-send/", body, **headers)


def test_a_test_goes_from_the_chosen_number_and_the_phone_is_remembered(owner_client, workspace, ready,
                                                                         make_device, waha):
    from campaigns.sent_today import sent_today
    from contacts.services import contact_create

    second = make_device(workspace, label="Sales 2")
    contact_create(workspace=workspace, phone="081299990001", name="Dewi")  # the user's own contact
    before = sent_today(workspace)
    response = _test_send(owner_client, test_device=second.session_name)
    html = response.content.decode()
    assert response.status_code == 200 and "Test sent from Sales 2 to +62 812-9999-0001" in html
    sent, = waha.sent()
    assert sent["session"] == second.session_name and sent["chat_id"] == "6281299990001@c.us"
    assert sent["endpoint"] == "sendText" and sent["text"] in ("Hi Dewi", "Halo Dewi")  # her own values
    assert sent_today(workspace) == before + 1  # counted against the plan's daily messages
    assert not Campaign.objects.exists()
    assert 'value="+62 812-9999-0001"' in owner_client.get("/campaigns/new/").content.decode()


def test_a_test_carries_the_attachment_as_the_campaign_would(owner_client, ready, waha):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = _test_send(owner_client, media=SimpleUploadedFile("promo.png", PNG, content_type="image/png"))
    assert "Test sent" in response.content.decode()
    sent, = waha.sent()
    assert sent["endpoint"] == "sendImage" and sent["file"]["filename"] == "promo.png"
    assert sent["text"].endswith("Kontak 0")  # not a contact: the preview's first contact fills it in
    bad = _test_send(owner_client, media=SimpleUploadedFile("promo.png", b"not an image"))
    assert "does not look like the image" in bad.content.decode() and len(waha.sent()) == 1


@pytest.mark.parametrize(("data", "says"), [
    ({"test_phone": "12ab"}, "contains letters"),
    ({"test_phone": "021 555 0101"}, "landline"),
    ({"test_phone": ""}, "Type the phone number"),
    ({"message": "Hi {there"}, "never closed"),
    ({"message": " "}, "Write the message first"),
])
def test_a_test_that_cannot_go_says_why(owner_client, ready, waha, data, says):
    html = _test_send(owner_client, **data).content.decode()
    assert says in html and 'role="alert"' in html
    assert waha.sent() == []


def test_no_connected_number_is_a_clear_error(owner_client, workspace, make_device, waha):
    make_device(workspace, label="Off", connected=False)
    page = owner_client.get("/campaigns/new/").content.decode()
    assert "Connect a number under Devices to send yourself a test" in page
    html = _test_send(owner_client).content.decode()
    assert "No connected number to send the test from" in html and waha.sent() == []


def test_tests_are_limited_per_workspace_and_by_the_plans_daily_messages(owner_client, ready, waha, monkeypatch):
    from accounts import ratelimit
    from billing import limits
    from campaigns.trial import TEST_SENDS_PER_HOUR

    for _ in range(TEST_SENDS_PER_HOUR):
        assert "Test sent" in _test_send(owner_client).content.decode()
    assert "tests an hour is the most" in _test_send(owner_client).content.decode()
    assert len(waha.sent()) == TEST_SENDS_PER_HOUR
    ratelimit.reset("campaign-test-send", ready.workspace.pk, window=3600)  # a new hour
    monkeypatch.setitem(limits.USAGE_COUNTERS, "daily_messages", lambda ws: 500)
    assert "you have sent 500 today" in _test_send(owner_client).content.decode()
    assert len(waha.sent()) == TEST_SENDS_PER_HOUR


def test_a_gateway_failure_is_shown_and_an_agent_may_not_send_tests(owner_client, agent_client, ready, waha):
    from campaigns.sent_today import sent_today

    waha.set_faults(send_503=1)
    html = _test_send(owner_client).content.decode()
    assert "did not answer while sending the test message" in html, html
    assert waha.sent() == [] and sent_today(ready.workspace) == 0
    refused = agent_client.post("/campaigns/test-send/", {"message": "Hi", "test_phone": "081299990001"})
    assert refused.status_code == 403


def test_without_the_script_the_composer_comes_back_with_the_result(owner_client, ready, waha):
    response = _test_send(owner_client, htmx=False, name="June", tags=["VIP"], preset="fast")
    html = response.content.decode()
    assert response.status_code == 200 and "Test sent" in html
    assert 'value="June"' in html and re.search(r'value="VIP"[^>]*checked', html)
    assert "This field is required" not in html


# ---------------------------------------------------------------- drafts


def _draft_post(client, url="/campaigns/new/", **data):
    body = {"name": "Lebaran", "message": "{Hi|Halo} [name]", "tags": ["VIP"], "preset": "balanced",
            "daily_cap_per_device": "0", "typing_simulation": "on", "action": "draft", **data}
    return client.post(url, body)


def test_save_as_draft_freezes_nothing_and_sends_nothing(owner_client, workspace, ready, waha,
                                                          django_capture_on_commit_callbacks):
    from campaigns.models import Recipient

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = _draft_post(owner_client, schedule="2030-06-01T09:00")
    draft = Campaign.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/campaigns/{draft.pk}/"
    assert draft.status == Campaign.Status.DRAFT and callbacks == []  # nothing queued
    assert not Recipient.objects.exists() and waha.sent() == [] and draft.started_at is None
    assert (draft.delay_min, draft.delay_max) == DELAY_PRESETS["balanced"] and draft.target_tags == ["VIP"]
    page = owner_client.get(response["Location"]).content.decode()
    assert "Draft saved" in page and "nothing is sent until you start it" in page
    assert f'href="/campaigns/{draft.pk}/edit/"' in page and f'action="/campaigns/{draft.pk}/start/"' in page
    assert "Draft, saved" in owner_client.get("/campaigns/").content.decode()


def test_a_draft_needs_no_audience_or_number_until_it_starts(owner_client, workspace):
    response = _draft_post(owner_client, tags=[])
    assert response.status_code == 302  # no contacts and no numbers yet: a draft is fine
    draft = Campaign.objects.get()
    start = owner_client.post(f"/campaigns/{draft.pk}/start/", follow=True).content.decode()
    assert "No connected device is switched on" in start
    draft.refresh_from_db()
    assert draft.status == Campaign.Status.DRAFT


def test_edit_shows_the_draft_filled_in_and_saves_it_again(owner_client, workspace, ready):
    from django.core.files.uploadedfile import SimpleUploadedFile

    _draft_post(owner_client, schedule="2030-06-01T09:00", preset="", delay_min="12", delay_max="34",
                devices=[ready.session_name], media=SimpleUploadedFile("promo.png", PNG))
    draft = Campaign.objects.get()
    html = owner_client.get(f"/campaigns/{draft.pk}/edit/").content.decode()
    assert "Edit draft: Lebaran" in html and 'value="Lebaran"' in html and "{Hi|Halo} [name]" in html
    assert re.search(r'value="VIP"[^>]*checked', html) and re.search(rf'value="{ready.session_name}"[^>]*checked', html)
    assert 'value="12.0"' in html and 'value="34.0"' in html and re.search(r'<option value=""[^>]*selected', html)
    assert 'value="01/06/2030 09:00"' in html  # the workspace's wall clock, day first, not UTC
    assert "Now: promo" in html and 'name="media-clear"' in html
    response = _draft_post(owner_client, url=f"/campaigns/{draft.pk}/edit/", name="Lebaran 2", tags=[],
                           schedule="2030-06-01T09:00")
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.name == "Lebaran 2" and draft.target_tags == [] and draft.media.name.endswith(".png")
    assert Campaign.objects.count() == 1  # saved again, not copied
    _draft_post(owner_client, url=f"/campaigns/{draft.pk}/edit/", **{"media-clear": "on"})
    draft.refresh_from_db()
    assert not draft.media


def test_starting_a_draft_runs_the_normal_start(owner_client, workspace, ready, no_engine,
                                                django_capture_on_commit_callbacks):
    _draft_post(owner_client)
    draft = Campaign.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(f"/campaigns/{draft.pk}/start/")
    draft.refresh_from_db()
    assert response.status_code == 302 and draft.status == Campaign.Status.PROCESSING
    assert draft.total_recipients == 3 and draft.started_at is not None
    again = owner_client.post(f"/campaigns/{draft.pk}/start/", follow=True).content.decode()
    assert "Only a draft can be started" in again
    assert owner_client.get(f"/campaigns/{draft.pk}/edit/", follow=True).redirect_chain[-1][0] == \
        f"/campaigns/{draft.pk}/"


def test_start_from_the_edited_composer_saves_then_starts_and_a_past_schedule_waits(
        owner_client, workspace, ready, no_engine, django_capture_on_commit_callbacks):
    _draft_post(owner_client, schedule="2020-01-01T09:00")  # a draft may hold any time
    draft = Campaign.objects.get()
    refused = owner_client.post(f"/campaigns/{draft.pk}/start/", follow=True).content.decode()
    assert "The schedule is in the past" in refused
    with django_capture_on_commit_callbacks(execute=True):
        response = _draft_post(owner_client, url=f"/campaigns/{draft.pk}/edit/", action="start", schedule="",
                               name="Now")
    draft.refresh_from_db()
    assert response.status_code == 302 and draft.name == "Now" and draft.status == Campaign.Status.PROCESSING


def test_drafts_of_another_workspace_are_not_found_and_agents_cannot_start_them(
        owner_client, agent_client, workspace, other_workspace, ready):
    theirs = Campaign.objects.create(workspace=other_workspace, name="Theirs", message_template="Hi")
    assert theirs.status == Campaign.Status.DRAFT
    assert owner_client.get(f"/campaigns/{theirs.pk}/edit/").status_code == 404
    assert owner_client.post(f"/campaigns/{theirs.pk}/start/").status_code == 404
    ours = Campaign.objects.create(workspace=workspace, name="Ours", message_template="Hi")
    assert agent_client.post(f"/campaigns/{ours.pk}/start/").status_code == 403
    assert agent_client.get(f"/campaigns/{ours.pk}/edit/").status_code == 403


def test_the_api_saves_and_starts_drafts(owner_api, workspace, ready, no_engine, django_capture_on_commit_callbacks):
    response = owner_api.post("/api/campaign/start", {"message": "Hi [name]", "tags": ["VIP"], "draft": True},
                              format="json")
    assert response.status_code == 201 and response.json()["status"] == "DRAFT"
    draft_id = response.json()["id"]
    with django_capture_on_commit_callbacks(execute=True):
        started = owner_api.post(f"/api/campaign/{draft_id}/start")
    assert started.status_code == 200 and started.json()["status"] in ("SCHEDULED", "PROCESSING")
    assert Campaign.objects.get(pk=draft_id).total_recipients == 3
    again = owner_api.post(f"/api/campaign/{draft_id}/start")
    assert again.status_code == 409 and again.json()["error"] == "campaign_state"


def test_the_schema_documents_drafts():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    assert "draft" in schema["components"]["schemas"]["StartRequest"]["properties"]
    assert schema["paths"]["/api/campaign/{campaign_id}/start"]["post"]["operationId"] == "campaign_draft_start"


# ---------------------------------------------------------------- the schedule, day first


def test_the_schedule_field_reads_and_shows_day_first_with_a_24_hour_clock(owner_client, workspace, ready):
    from datetime import datetime

    html = owner_client.get("/campaigns/new/").content.decode()
    schedule = re.search(r'<input[^>]*name="schedule"[^>]*>', html).group(0)
    assert 'type="text"' in schedule and 'data-datepicker="datetime"' in schedule
    assert 'placeholder="dd/mm/yyyy hh:mm"' in schedule and "datetime-local" not in html
    for name in ("quiet_start", "quiet_end"):
        field = re.search(rf'<input[^>]*name="{name}"[^>]*>', html).group(0)
        assert 'type="text"' in field and 'data-datepicker="time"' in field
    assert "vendor/flatpickr/flatpickr.min.js" in html and "vendor/flatpickr/l10n/id.js" in html
    for typed in ("01/06/2030 21:30", "01/06/2030 21.30", "2030-06-01T21:30"):
        response = _draft_post(owner_client, schedule=typed, quiet_start="21.00", quiet_end="08:00")
        assert response.status_code == 302, typed
        draft = Campaign.objects.latest("pk")
        assert draft.scheduled_at.astimezone(workspace.zone).replace(tzinfo=None) == datetime(2030, 6, 1, 21, 30)
        assert draft.quiet_start.hour == 21 and draft.quiet_end.hour == 8
    # 06/01 is the 6th of January, never June the 1st as an American form would read it.
    _draft_post(owner_client, schedule="06/01/2031 10:00")
    assert Campaign.objects.latest("pk").scheduled_at.astimezone(workspace.zone).month == 1
    wrong = _draft_post(owner_client, schedule="06/31/2031 10:00").content.decode()
    assert "Enter a valid date/time" in wrong
    html = owner_client.get(f"/campaigns/{draft.pk}/edit/").content.decode()
    assert 'value="01/06/2030 21:30"' in html and 'value="21:00"' in html and 'value="08:00"' in html


def test_the_api_also_reads_the_composers_format(owner_api, workspace, ready):
    from datetime import datetime

    response = owner_api.post("/api/campaign/start", {"message": "Hi", "tags": ["VIP"], "draft": True,
                                                      "schedule": "01/06/2030 09:00"}, format="json")
    assert response.status_code == 201, response.json()
    scheduled = Campaign.objects.get().scheduled_at.astimezone(workspace.zone).replace(tzinfo=None)
    assert scheduled == datetime(2030, 6, 1, 9, 0)
