"""Every page runs under the site's Content-Security-Policy with nothing blocked, and what moved out of inline
script into static/ still works: confirm dialogs, selects that apply at once, the link form's extra rows, the
statistics charts, Print, the inbox composer's reset, htmx's polling and posting (without eval).

A violation is seen two ways (the `watched` fixture, tests/browser/conftest.py): a `securitypolicyviolation`
listener installed before any page script, which reports to Python through a binding (so nothing is lost when
the page navigates), and Chromium's console error
"Refused to … because it violates the following Content Security Policy directive". An uncaught page error
fails the test too: a script the policy broke half-way shows up there.

Playwright's wait_for_function with a bare expression evaluates it with eval inside the page, which the policy
refuses; the waits here pass arrow functions, which the browser's debugger protocol runs instead.
"""
import re
from datetime import timedelta

import pytest
from django.urls import include, path
from django.utils import timezone

from accounts.models import Membership
from tests.factories import PASSWORD, MembershipFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _boom(request):
    raise RuntimeError("a bug on purpose: the 500 page must run under the policy too")


# The test swaps in this URLconf (the project's, plus one view that fails) to reach the 500 page.
urlpatterns = [path("csp-test-boom/", _boom), path("", include("config.urls"))]

def _visit(page, url, status=200):
    response = page.goto(url)
    assert response.status == status, f"{url} answered {response.status}"
    policy = response.headers.get("content-security-policy", "")
    assert "script-src 'self'" in policy and "unsafe" not in policy, f"{url}: {policy!r}"
    page.wait_for_load_state("networkidle")
    return response


def _world():
    """One workspace with something on every page: an agent, a device, contacts, an import, a campaign, a chat,
    rules, knowledge, a link with visitors, an invoice."""
    from billing.models import Package, Subscription
    from campaigns.models import Campaign, Recipient
    from contacts.models import Contact, ContactTag, ImportJob, Tag
    from devices.models import Device, WahaServer
    from inbox.models import AutoReply, Chat, KnowledgeSource, Message, QuickReply
    from rotator.models import DailyClicks
    from tests.rotator.factories import make_rotator

    owner_m = MembershipFactory(role=Membership.Role.OWNER, user=UserFactory(email="sari@example.com"))
    ws, owner = owner_m.workspace, owner_m.user
    agent = MembershipFactory(workspace=ws, role=Membership.Role.AGENT,
                              user=UserFactory(email="budi@example.com", full_name="Budi Agent"))
    # Nothing listens there: pages that would ask WAHA show their error, none is needed here.
    server = WahaServer.objects.create(name="csp", base_url="http://127.0.0.1:9", api_key="k")
    device = Device.objects.create(workspace=ws, server=server, session_name="csp-1", label="Toko",
                                   phone_number="6281100000001", status=Device.Status.CONNECTED,
                                   waha_status="WORKING")
    tag = Tag.objects.create(workspace=ws, name="VIP")
    contacts = [Contact.objects.create(workspace=ws, phone=f"62812000000{i}", name=f"Pelanggan {i}") for i in range(3)]
    ContactTag.objects.create(contact=contacts[0], tag=tag)
    job = ImportJob.objects.create(workspace=ws, created_by=owner, original_name="list.csv", headers=["phone"],
                                   mapping=["phone"], status=ImportJob.Status.DONE, total_rows=3, last_row=3)
    campaign = Campaign.objects.create(workspace=ws, name="Promo Juni", message_template="Halo {nama}",
                                       target_tags=["VIP"], status=Campaign.Status.PROCESSING,
                                       started_at=timezone.now(), delay_min=5, delay_max=10)
    for c in contacts:
        Recipient.objects.create(workspace=ws, campaign=campaign, contact=c, phone=c.phone, name=c.name, text="Halo")
    chat = Chat.objects.create(workspace=ws, device=device, phone="628999000111", name="Customer",
                               last_message_preview="Harga?", last_message_at=timezone.now(),
                               customer_wrote_at=timezone.now())
    Message.objects.create(workspace=ws, chat=chat, device=device, direction="in", sender="customer",
                           text="Harga paket A?", timestamp=timezone.now(), short_id="CSP1")
    rule = AutoReply.objects.create(workspace=ws, keyword="harga", response_text="Paket A Rp 50.000")
    QuickReply.objects.create(workspace=ws, title="Salam", text="Halo kak!")
    KnowledgeSource.objects.create(workspace=ws, kind="faq", title="Jam buka", question="Jam buka?",
                                   text="09-17", status="ready")
    link = make_rotator(ws, slug="promo-csp", name="Iklan")
    today = timezone.now().astimezone(ws.zone).date()
    for days_ago, clicks in ((0, 4), (3, 2)):
        DailyClicks.objects.create(workspace=ws, rotator=link, day=today - timedelta(days=days_ago),
                                   phone="6281111111111", clicks=clicks, bot_clicks=1)
    invoice = Subscription.objects.create(workspace=ws, package=Package.objects.get(code="pro"), months=1,
                                          amount=299_000, reference="INV-2026-CSP01", created_by=owner)
    return {"owner": owner, "agent": agent, "device": device, "contacts": contacts, "job": job,
            "campaign": campaign, "chat": chat, "rule": rule, "link": link, "invoice": invoice}


def test_every_page_runs_under_the_policy_and_moved_behaviour_works(watched, live_server, settings):
    page, problems = watched
    settings.ROOT_URLCONF = __name__
    world = _world()
    base = live_server.url

    # The watch itself: an inline script and a style attribute are blocked and reported, or this test
    # could not fail on a violation.
    _visit(page, f"{base}/login/")
    page.evaluate("""() => {
      const s = document.createElement("script"); s.textContent = "window.__inlineRan = true";
      document.body.append(s);
      document.body.insertAdjacentHTML("beforeend", '<p style="color: red">x</p>');
    }""")
    page.wait_for_timeout(300)  # let the reports arrive
    assert page.evaluate("window.__inlineRan") is None
    assert any("script-src-elem blocked inline" in p for p in problems), problems
    assert any("style-src-attr blocked inline" in p for p in problems), problems
    problems.clear()

    # Pages a visitor sees without signing in.
    _visit(page, f"{base}/signup/")
    _visit(page, f"{base}/link/no-such-link", status=404)
    _visit(page, f"{base}/no-such-page/", status=404)
    _visit(page, f"{base}/csp-test-boom/", status=500)
    assert page.inner_text("h1") == "Something went wrong on our side"
    assert page.evaluate("getComputedStyle(document.querySelector('.auth-card')).borderRadius") != "0px"

    page.goto(f"{base}/login/")
    page.fill("#id_email", world["owner"].email)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")

    c, link = world["campaign"], world["link"]
    for url in ["/", "/devices/", "/devices/add", "/contacts/", "/contacts/new/",
                f"/contacts/{world['contacts'][0].pk}/edit/", "/contacts/import/",
                f"/contacts/imports/{world['job'].public_id}/", "/contacts/groups/", "/contacts/settings/",
                "/campaigns/", f"/campaigns/{c.pk}/", "/inbox/", f"/inbox/c/{world['chat'].pk}/",
                "/inbox/auto-replies/", f"/inbox/auto-replies/{world['rule'].pk}/edit/",
                "/inbox/knowledge/", "/inbox/assistant/", "/links/", "/links/new/", f"/links/{link.pk}/",
                f"/links/{link.pk}/qr/", "/billing/", "/billing/invoices/",
                f"/billing/invoices/{world['invoice'].reference}/", "/team/", "/account/password/"]:
        _visit(page, base + url)
    _visit(page, f"{base}/team/invite/", status=405)  # the page a GET on a POST-only address gets

    # htmx under the policy, without eval: the composer's preview and audience count fill in as typed.
    _visit(page, f"{base}/campaigns/new/")
    page.fill("textarea[name=message]", "Halo kak, promo {hari ini|minggu ini}")
    page.wait_for_function("() => document.querySelector('#preview').textContent.includes('Halo kak')")
    # The campaign page polls its progress (every 2 s) and draws the bar from a <progress> value.
    _visit(page, f"{base}/campaigns/{c.pk}/")
    with page.expect_response(re.compile(rf"/campaigns/{c.pk}/progress/")):
        pass
    assert page.get_attribute("#progress progress", "value") == "0"

    # Swagger UI: its own files from static/, data: icons.
    _visit(page, f"{base}/api/docs/")
    page.wait_for_selector(".swagger-ui .opblock", timeout=20_000)

    # A confirm dialog on a form (data-confirm): refused, nothing happens; accepted, the agent is removed.
    _visit(page, f"{base}/team/")
    remove = "[data-testid=members] form[action*='/remove/'] button"
    dialogs = []
    page.once("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.click(remove)
    page.wait_for_timeout(300)
    assert dialogs == ["Remove this agent from the team?"]
    assert Membership.objects.filter(pk=world["agent"].pk).exists()
    page.once("dialog", lambda d: (dialogs.append(d.message), d.accept()))
    with page.expect_navigation():
        page.click(remove)
    assert not Membership.objects.filter(pk=world["agent"].pk).exists()

    # A confirm on one submit button (data-confirm on the bulk bar's Delete): only that button asks.
    _visit(page, f"{base}/contacts/")
    page.check("input[name=ids] >> nth=0")
    assert page.inner_text("[data-selected-count]") == "1"  # contacts.js still runs
    page.once("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.click("button[name=action][value=delete]")
    page.wait_for_timeout(300)
    assert dialogs[-1] == "Delete these contacts? This cannot be undone."
    assert page.url == f"{base}/contacts/"
    from contacts.models import Contact
    assert Contact.objects.count() == 3

    # data-autosubmit: a filter applies as soon as it is chosen, and so does the language switch.
    _visit(page, f"{base}/inbox/")
    with page.expect_navigation():
        page.select_option("[data-testid=show-filter]", "all")
    assert "show=all" in page.url
    with page.expect_navigation():
        page.select_option("#lang", "id")
    assert page.get_attribute("html", "lang") == "id"
    with page.expect_navigation():
        page.select_option("#lang", "en")

    # The inbox composer empties itself once htmx's send succeeded (was hx-on, which needs eval). The send is
    # answered here: this checks the page's behaviour, not WAHA.
    _visit(page, f"{base}/inbox/c/{world['chat'].pk}/")
    page.route("**/send/", lambda route: route.fulfill(status=200, content_type="text/html", body="<p>sent</p>"))
    page.fill(".composer textarea", "Siap kak")
    with page.expect_response(re.compile(r"/send/$")):
        page.click(".composer button[type=submit]")
    page.wait_for_function("() => document.querySelector('.composer textarea').value === ''")

    # htmx posting with the CSRF header: the auto-reply tester answers in place.
    _visit(page, f"{base}/inbox/auto-replies/")
    page.fill("[data-testid=rule-test-text]", "berapa harga?")
    page.click("[data-testid=rule-test]")
    page.wait_for_selector("[data-testid=rule-test-result]")
    assert "harga" in page.inner_text("[data-testid=rule-test-result]")

    # The link form (static/rotator/form.js): "Add a number" appends a formset row.
    _visit(page, f"{base}/links/new/")
    assert page.input_value("#id_numbers-TOTAL_FORMS") == "1"
    page.click("[data-testid=add-number]")
    page.wait_for_selector("#id_numbers-1-phone")
    assert page.input_value("#id_numbers-TOTAL_FORMS") == "2"
    assert page.evaluate("document.activeElement.id") == "id_numbers-1-phone"

    # The statistics page (static/rotator/stats.js): both charts drawn, labels translated from the page.
    _visit(page, f"{base}/links/{link.pk}/stats/")
    page.wait_for_function("() => window.Chart && Chart.getChart('chart-days') && Chart.getChart('chart-numbers')")
    assert page.evaluate("Chart.getChart('chart-days').data.datasets.map((d) => d.label)") == [
        "Visitors", "Preview bots"]
    assert page.evaluate("Chart.getChart('chart-numbers').data.datasets[0].data") == [6]

    # Print on the QR sheet (data-print).
    _visit(page, f"{base}/links/{link.pk}/qr/")
    page.evaluate("window.print = () => { window.__printed = true; }")
    page.click("[data-print]")
    assert page.evaluate("window.__printed") is True

    # A data-confirm form on the link's page: refused, the link stays.
    _visit(page, f"{base}/links/{link.pk}/")
    page.once("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.click("form[action$='/delete/'] button[type=submit]")
    page.wait_for_timeout(300)
    assert dialogs[-1].startswith("Delete this link?")
    assert page.url == f"{base}/links/{link.pk}/"

    assert not problems, "Content-Security-Policy problems:\n" + "\n".join(problems)
