"""The composer in a browser at desktop and phone widths (#20.14): a speed preset fills the delay fields and
typed delays switch it to Custom; the preview's samples differ; the tag picker filters hundreds of tags;
a test goes to the user's own number; a draft is saved, edited and started; the schedule reads dd/mm/yyyy."""
import pytest

from accounts.models import Membership
from devices.models import Device, WahaServer
from tests.browser.conftest import ARTIFACTS
from tests.factories import PASSWORD, MembershipFactory, UserFactory, WorkspaceFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WIDTHS = [1366, 390]


@pytest.fixture
def shop():
    from contacts.services import contact_create

    workspace = WorkspaceFactory(name="Batik Dewi", time_zone="Asia/Jakarta")
    user = MembershipFactory(workspace=workspace, role=Membership.Role.OWNER,
                             user=UserFactory(email="dewi@example.com", full_name="Dewi")).user
    server = WahaServer.objects.create(name="s", base_url="http://127.0.0.1:9", api_key="k")
    Device.objects.create(workspace=workspace, session_name="toko1", server=server, label="Toko",
                          phone_number="6281100000001", status=Device.Status.CONNECTED, waha_status="WORKING")
    for i, name in enumerate(["Ani", "Budi", "Citra"]):
        contact_create(workspace=workspace, phone=f"+62 812 5555 00{i:02d}", name=name, tags=["VIP"])
    return workspace, user


def open_composer(page, live_server, user, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.csp_refusals = []
    page.on("console", lambda m: "Content Security Policy" in m.text and page.csp_refusals.append(m.text))
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_email", user.email)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/campaigns/new/")


def assert_no_sideways_scroll(page):
    """And nothing the page did was refused by the site's CSP (no inline script, handler or style)."""
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")
    assert page.csp_refusals == []


@pytest.mark.parametrize("width", WIDTHS)
def test_a_preset_fills_the_delays_and_typed_delays_mean_custom(page, live_server, shop, width):
    _workspace, user = shop
    open_composer(page, live_server, user, width)
    assert (page.input_value("#id_preset"), page.input_value("#id_delay_min"),
            page.input_value("#id_delay_max")) == ("safe", "30", "60")
    page.select_option("#id_preset", "fast")
    assert (page.input_value("#id_delay_min"), page.input_value("#id_delay_max")) == ("5", "15")
    page.fill("#id_delay_min", "7")
    assert page.input_value("#id_preset") == ""  # Custom: now the typed delays are the ones used
    page.fill("#id_delay_min", "10")
    page.fill("#id_delay_max", "30")
    assert page.input_value("#id_preset") == "balanced"  # a preset's own pair selects it again
    assert "choose Custom" in page.inner_text("#id_preset >> xpath=..")
    assert_no_sideways_scroll(page)


@pytest.mark.parametrize("width", WIDTHS)
def test_the_preview_shows_distinct_samples_for_different_contacts(page, live_server, shop, width):
    _workspace, user = shop
    open_composer(page, live_server, user, width)
    page.fill("#id_message", "{Halo|Hai|Hei} [name], diskon hari ini!")
    page.wait_for_function("() => document.querySelectorAll('#preview .bubble').length === 3")
    texts = page.locator("#preview .bubble").all_inner_texts()
    assert sorted(t.split()[0] for t in texts) == ["Hai", "Halo", "Hei"]
    labels = page.locator("#preview figcaption").all_inner_texts()
    assert labels == ["for Ani", "for Budi", "for Citra"]
    assert [t.split()[1].rstrip(",") for t in texts] == ["Ani", "Budi", "Citra"]
    page.fill("#id_message", "Halo [name]")  # one variant: one sample
    page.wait_for_function("() => document.querySelectorAll('#preview .bubble').length === 1")
    assert "1 variant" in page.inner_text("#preview")
    assert_no_sideways_scroll(page)


@pytest.mark.parametrize("width", WIDTHS)
def test_the_tag_picker_filters_hundreds_of_tags_and_counts_the_ticked_ones(page, live_server, shop, width):
    from contacts.models import Tag

    workspace, user = shop
    Tag.objects.bulk_create([Tag(workspace=workspace, name=f"Kota {i:03d}") for i in range(300)])
    open_composer(page, live_server, user, width)
    tags = page.locator("[data-multiselect]").first
    box = tags.locator("[data-multiselect-list]").bounding_box()
    assert box["height"] < 260  # 301 tags scroll inside the list, the page stays short
    assert tags.locator("li").count() == 301
    assert tags.locator("[data-multiselect-count]").inner_text() == "0 selected"
    tags.locator("[data-multiselect-filter]").fill("vip")
    assert tags.locator("li:visible").count() == 1
    tags.locator("[data-multiselect-filter]").press("Enter")  # ticks the one match, sends nothing
    assert page.url.endswith("/campaigns/new/")
    assert tags.locator("input[value=VIP]").is_checked()
    page.wait_for_function("() => document.querySelector('#audience-count').innerText.includes('3 recipients')")
    tags.locator("[data-multiselect-filter]").fill("kota 12")
    assert tags.locator("li:visible").count() == 10
    tags.locator("label:has-text('Kota 125')").click()
    assert tags.locator("[data-multiselect-count]").inner_text() == "2 selected"
    tags.locator("[data-multiselect-filter]").fill("zzz")
    assert tags.locator("[data-multiselect-none]").is_visible()
    tags.locator("[data-multiselect-filter]").fill("")
    # The ticked ones are first once the filter was used.
    first = tags.locator("li input").evaluate_all("els => els.slice(0, 2).map(e => e.value)")
    assert sorted(first) == ["Kota 125", "VIP"]
    assert_no_sideways_scroll(page)


@pytest.fixture
def emulated(shop):
    """The shop's number on an in-process WAHA emulator, so a test message really goes somewhere."""
    import time

    from devices.emulator import EmulatorServer
    from devices.waha import WahaClient

    with EmulatorServer(port=0, engine="GOWS", api_key="k", auto_acks=False, status_delay=0.0) as emu:
        WahaServer.objects.filter(name="s").update(base_url=emu.url)
        WahaClient(emu.url, "k")._request("POST", "/api/sessions", json={"name": "toko1", "start": True})
        for _ in range(200):
            if emu.status("toko1") == "SCAN_QR_CODE":
                break
            time.sleep(0.01)
        emu.scan("toko1", phone="6281100000001")
        yield emu


@pytest.mark.parametrize("width", WIDTHS)
def test_a_test_goes_to_my_number_with_the_attachment(page, live_server, shop, emulated, width, tmp_path):
    _workspace, user = shop
    open_composer(page, live_server, user, width)
    page.fill("#id_message", "{Halo|Hai} [name], cek promo!")
    page.click("text=Send test")
    page.wait_for_selector("[data-testid=test-result]")
    assert "Type the phone number" in page.inner_text("[data-testid=test-result]")
    page.fill("#id_test_phone", "0812 7777 0001")
    page.press("#id_test_phone", "Enter")  # sends the test, not the campaign
    page.wait_for_function("() => document.querySelector('[data-testid=test-result]').innerText.includes('Test sent')")
    assert page.url.endswith("/campaigns/new/")
    sent, = emulated.sent()
    assert sent["chat_id"] == "6281277770001@c.us" and sent["text"] in ("Halo Ani, cek promo!", "Hai Ani, cek promo!")
    image = tmp_path / "promo.png"
    image.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    page.set_input_files("#id_media", str(image))
    page.evaluate("document.getElementById('test-result').replaceChildren()")
    page.click("text=Send test")
    page.wait_for_selector("[data-testid=test-result]")
    assert "Test sent" in page.inner_text("[data-testid=test-result]")
    assert [s["endpoint"] for s in emulated.sent()] == ["sendText", "sendImage"]
    assert emulated.sent()[1]["file"]["filename"] == "promo.png"
    assert_no_sideways_scroll(page)
    page.reload()
    assert page.input_value("#id_test_phone") == "+62 812-7777-0001"  # remembered for next time
    from campaigns.models import Campaign

    assert not Campaign.objects.exists()


@pytest.mark.parametrize("width", WIDTHS)
def test_a_draft_is_saved_listed_edited_and_started(page, live_server, shop, width):
    from campaigns.models import Campaign

    _workspace, user = shop
    open_composer(page, live_server, user, width)
    page.fill("#id_name", "Lebaran")
    page.fill("#id_message", "{Halo|Hai} [name]")
    page.check("input[name=tags][value=VIP]")
    page.fill("#id_schedule", "01/06/2030 09:00")
    page.click("text=Save as draft")
    page.wait_for_selector("#progress[data-status=DRAFT]")
    assert "Draft saved" in page.inner_text("main") and "nothing is sent until you start it" in page.inner_text("main")
    draft = Campaign.objects.get()
    assert draft.status == Campaign.Status.DRAFT and not draft.recipients.exists()
    assert_no_sideways_scroll(page)
    page.goto(f"{live_server.url}/campaigns/")
    assert "Lebaran" in page.inner_text("main") and "Draft, saved" in page.inner_text("main")
    assert_no_sideways_scroll(page)
    page.click("text=Lebaran")
    page.click("#campaign-actions >> text=Edit")
    page.wait_for_url(f"{live_server.url}/campaigns/{draft.pk}/edit/")
    assert page.input_value("#id_name") == "Lebaran" and page.is_checked("input[name=tags][value=VIP]")
    assert page.input_value("#id_message") == "{Halo|Hai} [name]"
    page.fill("#id_name", "Lebaran 2030")
    page.click("text=Save draft")
    page.wait_for_selector("#progress[data-status=DRAFT]")
    assert "Lebaran 2030" in page.inner_text("h1")
    page.click("#campaign-actions >> button:has-text('Start')")
    page.wait_for_selector("#progress[data-status=SCHEDULED]")
    assert "Campaign scheduled" in page.inner_text("main")
    draft.refresh_from_db()
    assert draft.status == Campaign.Status.SCHEDULED and draft.name == "Lebaran 2030"
    assert_no_sideways_scroll(page)


@pytest.mark.parametrize("width", WIDTHS)
def test_the_schedule_picker_is_day_first_24_hours_and_speaks_indonesian(page, live_server, shop, width):
    import datetime
    import re

    from campaigns.models import Campaign

    workspace, user = shop
    open_composer(page, live_server, user, width)
    page.click("#id_schedule")
    calendar = page.locator(".flatpickr-calendar.open")
    calendar.wait_for()
    assert page.locator(".flatpickr-calendar.open .flatpickr-am-pm").count() == 0  # a 24-hour clock
    box = calendar.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width + 1  # the whole calendar is on a phone's screen
    page.click(".flatpickr-calendar.open .flatpickr-next-month")
    page.click(".flatpickr-calendar.open .flatpickr-day:not(.prevMonthDay):not(.nextMonthDay) >> text='15'")
    assert re.fullmatch(r"15/\d\d/\d{4} \d\d:\d\d", page.input_value("#id_schedule"))
    page.keyboard.press("Escape")
    # Typed, the same format; a text it cannot read stays for the server to refuse (empty would mean "now").
    page.fill("#id_schedule", "besok pagi")
    page.click("#id_name")
    assert page.input_value("#id_schedule") == "besok pagi"
    page.fill("#id_name", "Pagi")
    page.fill("#id_message", "Halo [name]")
    page.click("text=Save as draft")
    page.wait_for_selector(".field-error")
    assert "Enter a valid date/time" in page.inner_text("main") and not Campaign.objects.exists()
    page.fill("#id_schedule", "01/06/2030 21:30")
    page.fill("#id_quiet_start", "21.00")
    page.fill("#id_quiet_end", "08:00")
    page.click("#id_name")
    assert page.input_value("#id_quiet_start") == "21:00"  # the picker writes the one format
    page.click("text=Save as draft")
    page.wait_for_selector("#progress[data-status=DRAFT]")
    draft = Campaign.objects.get()
    assert draft.scheduled_at == datetime.datetime(2030, 6, 1, 14, 30, tzinfo=datetime.UTC)  # 21:30 in Jakarta
    assert "1 Jun 2030 21:30" in page.inner_text("#progress")
    assert_no_sideways_scroll(page)

    with page.expect_navigation():
        page.select_option("#lang", "id")
    page.goto(f"{live_server.url}/campaigns/{draft.pk}/edit/")
    assert page.input_value("#id_schedule") == "01/06/2030 21:30"
    page.click("#id_schedule")
    page.locator(".flatpickr-calendar.open").wait_for()
    assert page.locator(".flatpickr-calendar.open .flatpickr-weekday").first.inner_text().split()[0] == "Sen"
    month = page.locator(".flatpickr-calendar.open .flatpickr-monthDropdown-months option:checked").inner_text()
    assert month == "Juni"
    assert_no_sideways_scroll(page)


@pytest.mark.parametrize("width", WIDTHS)
def test_the_hourly_cap_sits_beside_the_daily_cap(page, live_server, shop, width):
    _workspace, user = shop
    open_composer(page, live_server, user, width)
    assert page.input_value("#id_hourly_cap_per_device") == "100"  # on by default
    daily, hourly = page.locator("#id_daily_cap_per_device"), page.locator("#id_hourly_cap_per_device")
    assert daily.is_visible() and hourly.is_visible()
    box = hourly.bounding_box()
    assert box["x"] + box["width"] <= width  # inside the screen
    ARTIFACTS.mkdir(exist_ok=True)
    hourly.locator("xpath=ancestor::div[contains(@class,'form-row')]").screenshot(
        path=str(ARTIFACTS / f"composer-caps-{width}.png"))
    assert_no_sideways_scroll(page)
