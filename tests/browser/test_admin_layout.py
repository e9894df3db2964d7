"""The operators' admin at a laptop's 1366 px: no changelist widens the page, Sebar's own tables fit their
box (nothing hidden to the right: a wider table would scroll inside it), and the overview fits a phone too.

Screenshots land in test-artifacts/admin/ for a look by eye.
"""
import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone

from tests.factories import PASSWORD, UserFactory
from tests.operator import world

from .conftest import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = ARTIFACTS / "admin"


def _login(browser, live_server, width, locale="en-US"):
    operator = UserFactory(email="ops@example.com", is_staff=True, is_superuser=True)
    context = browser.new_context(viewport={"width": width, "height": 900}, locale=locale)
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", operator.email)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")
    return context, page


SEBAR_APPS = {"accounts", "billing", "devices", "contacts", "campaigns", "inbox", "rotator"}


def _overflow(page):
    return page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")


def _table_fits(page):
    return page.evaluate("""() => {
        const box = document.querySelector('#changelist-form .results');
        if (!box) return [0, 0, 'auto'];  // an empty changelist has no table
        return [box.scrollWidth, box.clientWidth, getComputedStyle(box).overflowX];
    }""")


@pytest.mark.parametrize("locale", ["en-US", "id-ID"])  # Indonesian headers and dates are longer
def test_no_changelist_widens_the_page_at_1366(browser, live_server, locale):
    world.build()
    context, page = _login(browser, live_server, 1366, locale)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"index-1366-{locale}.png"), full_page=True)
    wide = []
    for model in admin.site._registry:
        name = f"{model._meta.app_label}_{model._meta.model_name}"
        response = page.goto(live_server.url + reverse(f"admin:{name}_changelist"))
        assert response.status == 200, name
        page.screenshot(path=str(SHOTS / f"{name}-1366-{locale}.png"), full_page=True)
        scroll, inner = _overflow(page)
        if scroll > inner:
            wide.append(f"{name}: the page is {scroll} px wide in a {inner} px window")
        table, box, overflow = _table_fits(page)
        assert overflow == "auto", name  # a table wider than its box scrolls inside it
        if model._meta.app_label in SEBAR_APPS and table > box:
            wide.append(f"{name}: the table is {table} px wide in its {box} px box")
    context.close()
    assert not wide, "\n".join(wide)


@pytest.mark.parametrize("width", [1366, 390])
def test_the_overview_fits(browser, live_server, width):
    w = world.build(now=timezone.now())
    context, page = _login(browser, live_server, width)
    page.click("a.sebar-overview-card")
    page.wait_for_url(f"{live_server.url}/admin/overview/")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"overview-{width}.png"), full_page=True)
    assert page.inner_text("#stat-paying .value") == "1"
    assert page.inner_text("#stat-invoices .value") == "2"
    assert page.is_visible('#servers tr.full[data-server="waha-jakarta-1"]')
    assert page.locator("#failing tbody tr").count() == 3
    assert page.locator("#revenue tbody tr").count() == 12
    scroll, inner = _overflow(page)
    assert scroll <= inner, f"the overview is {scroll} px wide in a {inner} px window"
    page.click(f'#invoices a:text("{w["lines"]["kopi_pending"].reference}")')
    page.wait_for_url(f"**/admin/billing/subscription/{w['lines']['kopi_pending'].pk}/change/")
    context.close()
