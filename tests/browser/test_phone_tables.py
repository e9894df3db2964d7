"""Phone width (issue 20 #13): list tables become one card per row instead of being clipped at the card's edge,
and the open menu drawer dims the page behind it, a tap there closing it."""
import pytest

from accounts.models import Membership
from tests.factories import PASSWORD, MembershipFactory, UserFactory, WorkspaceFactory
from tests.url_walk import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = ["/campaigns/", "/campaigns/{campaign}/", "/inbox/auto-replies/", "/billing/invoices/", "/contacts/"]

CLIPPED_CELLS = """() => Array.from(document.querySelectorAll('table.table td')).filter((td) => {
    const box = td.getBoundingClientRect();
    const card = td.closest('.card, .table-wrap') || document.body;
    return box.width > 0 && box.right > card.getBoundingClientRect().right + 1;
}).map((td) => td.innerText.slice(0, 30))"""


def test_phone_tables_stack_into_cards_and_the_drawer_has_a_backdrop(browser, live_server):
    workspace = WorkspaceFactory(name="Batik Sari")
    owner = MembershipFactory(workspace=workspace, role=Membership.Role.OWNER,
                              user=UserFactory(email="sari@example.com")).user
    values, _public = build_world(workspace, owner)
    context = browser.new_context(viewport={"width": 390, "height": 800}, locale="en-US")
    page = context.new_page()
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_email", "sari@example.com")
    page.fill("#id_password", PASSWORD)
    page.click("[type=submit]")
    page.wait_for_url(f"{live_server.url}/")

    for path in PAGES:
        page.goto(live_server.url + path.format(campaign=values["campaign_id"]))
        page.wait_for_selector("table.table-stacked")
        # every list table with a header is stacked (grids opt out with data-no-stack)
        unstacked = page.eval_on_selector_all(
            "table.table:not([data-no-stack])", "ts => ts.filter(t => t.tHead && !t.classList.contains("
            "'table-stacked')).length")
        assert unstacked == 0, path
        labels = page.eval_on_selector_all("table.table-stacked td[data-label]", "tds => tds.map(t => t.dataset.label)")
        assert labels and all(labels), path
        assert page.locator("table.table-stacked thead").first.bounding_box()["height"] <= 1, path
        assert page.evaluate(CLIPPED_CELLS) == [], path
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, path

    # the open drawer dims the page; a tap on the dimmed part closes it
    page.click("[data-toggle-sidebar]")
    page.wait_for_selector(".sidebar", state="visible")
    backdrop = page.evaluate("getComputedStyle(document.body, '::after').backgroundColor")
    assert backdrop not in ("", "rgba(0, 0, 0, 0)")
    page.mouse.click(370, 700)
    page.wait_for_selector(".sidebar", state="hidden")

    # wide screens keep the plain table
    page.set_viewport_size({"width": 1366, "height": 800})
    page.goto(f"{live_server.url}/campaigns/{values['campaign_id']}/")
    page.wait_for_selector("table.table-stacked")
    assert page.locator("table.table thead").first.bounding_box()["height"] > 10
    context.close()
