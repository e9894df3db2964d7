"""An owner builds a three-node flow in the builder (drag a connection on the canvas, link another in the side
panel), publishes it, and a customer walks it: the answer lands in the contact's custom field. At 1366 and
390 px, with no CSP violation."""
import json
import time

import pytest
import responses

from accounts.models import Membership
from contacts.models import Contact
from devices.models import Device, WahaServer
from flows.models import Flow
from inbox import receive
from tests.factories import PASSWORD, MembershipFactory, UserFactory
from tests.inbox.conftest import envelope

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = "test-artifacts"


def _login(page, live_server, user):
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_email", user.email)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


def _drag(page, source, target):
    start, end = page.locator(source).bounding_box(), page.locator(target).bounding_box()
    page.mouse.move(start["x"] + start["width"] / 2, start["y"] + start["height"] / 2)
    page.mouse.down()
    page.mouse.move(end["x"] + end["width"] / 2, end["y"] + end["height"] / 2, steps=8)
    page.mouse.up()


def test_build_publish_and_walk_a_flow(watched, live_server):
    page, problems = watched
    page.set_viewport_size({"width": 1366, "height": 900})
    owner = MembershipFactory(role=Membership.Role.OWNER, user=UserFactory(email="sari@example.com")).user
    _login(page, live_server, owner)
    page.goto(f"{live_server.url}/flows/")
    page.fill("#id_name", "Kota")
    page.click("[data-testid=flow-new] button[type=submit]")
    page.wait_for_url(f"{live_server.url}/flows/*/")

    page.click("[data-add=trigger]")
    page.fill("#fb-editor input[name=keywords]", "halo")
    page.press("#fb-editor input[name=keywords]", "Tab")
    page.click("[data-add=message]")
    page.fill("#fb-editor textarea[name=text]", "Hi [name|there]!")
    page.press("#fb-editor textarea[name=text]", "Tab")
    page.click("[data-add=question]")
    page.fill("#fb-editor textarea[name=text]", "Which city?")
    page.press("#fb-editor textarea[name=text]", "Tab")
    page.select_option("#fb-editor select[name=store]", "field")
    page.fill("#fb-editor input[name=name]", "city")
    page.press("#fb-editor input[name=name]", "Tab")
    # Move the question out of the message's way, then connect the trigger to the message by dragging.
    nodes = page.locator("#fb-canvas .drawflow-node")
    assert nodes.count() == 3
    page.click("[data-node=trigger1]")
    _drag(page, "#fb-canvas .fb-kind-trigger .output", "#fb-canvas .fb-kind-message .input")
    page.wait_for_function("document.querySelectorAll('#fb-canvas .connection').length === 1")
    # The message leads to the question through the side panel's select (the phone-width way).
    page.click("[data-node=message1]")
    page.select_option("#fb-editor select[name=link]", "question1")
    page.wait_for_function("document.querySelectorAll('#fb-canvas .connection').length === 2")
    page.click("[data-testid=publish]")
    page.wait_for_selector("#fb-message.alert-success")
    assert "version 1" in page.inner_text("#fb-message")
    page.screenshot(path=f"{ARTIFACTS}/flows-builder-1366.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()  # drawn at phone width from the saved draft, without the sidebar's slide from the resize
    page.wait_for_selector("#fb-canvas .drawflow-node")
    assert page.locator("#fb-canvas .connection").count() == 2
    page.click("[data-node=question1]")
    assert page.input_value("#fb-editor input[name=name]") == "city"
    page.evaluate("window.scrollTo(0, 0)")  # the sticky top bar would sit mid-page in a full-page shot
    page.screenshot(path=f"{ARTIFACTS}/flows-builder-390.png", full_page=True)
    page.goto(f"{live_server.url}/flows/")
    page.screenshot(path=f"{ARTIFACTS}/flows-list-390.png", full_page=True)
    page.set_viewport_size({"width": 1366, "height": 900})
    page.screenshot(path=f"{ARTIFACTS}/flows-list-1366.png", full_page=True)
    assert page.locator("[data-testid=flow-row]").count() == 1
    assert problems == []

    flow = Flow.objects.get()
    nodes = {n["id"]: n for n in flow.live_version.graph["nodes"]}
    assert nodes["trigger1"]["next"] == "message1" and nodes["message1"]["next"] == "question1"

    # A customer walks it (WAHA faked): the answer is stored on the contact.
    server = WahaServer.objects.create(name="t", base_url="http://waha.test", api_key="k")
    device = Device.objects.create(workspace=flow.workspace, session_name="alpha-1", server=server,
                                   phone_number="628111000001", status=Device.Status.CONNECTED)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as waha:
        for endpoint in ("sendText", "sendSeen", "startTyping"):
            waha.add(responses.POST, f"http://waha.test/api/{endpoint}",
                     json={"id": f"true_x_{endpoint}{time.time_ns()}"}, status=201)
        receive.inbound_message_receive(device=device, event=envelope("Halo"))
        receive.inbound_message_receive(device=device, event=envelope("Bandung"))
        texts = [json.loads(c.request.body)["text"] for c in waha.calls if c.request.url.endswith("sendText")]
    assert texts == ["Hi Budi!\n\nWhich city?"]
    assert Contact.objects.get().custom_fields["city"] == "Bandung"
