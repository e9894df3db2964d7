"""Group grab: list a device's groups and import members through the merge rules, against the WAHA emulator."""
import pytest
from django.test import TestCase

from contacts.models import Contact, ImportJob
from devices.emulator import EmulatorServer
from devices.models import Device, WahaServer
from devices.waha import WahaClient

pytestmark = pytest.mark.django_db
API_KEY = "grab-key"
ME = "6281200000001"


@pytest.fixture
def waha():
    server = EmulatorServer(port=0, engine="GOWS", api_key=API_KEY, status_delay=0.01).start()
    yield server
    server.stop()


@pytest.fixture
def device(waha, workspace):
    server = WahaServer.objects.create(name="emu", base_url=waha.url, api_key=API_KEY)
    device = Device.objects.create(workspace=workspace, server=server, session_name="grab-1", label="Sales",
                                   status=Device.Status.CONNECTED)
    client = WahaClient(waha.url, API_KEY)
    client.session_create("grab-1", webhook_url="http://127.0.0.1:9/hook", hmac_key="k")
    assert waha.wait_for_status("grab-1", "SCAN_QR_CODE", timeout=3)
    waha.scan("grab-1", phone=ME)
    return device


@pytest.fixture
def group(waha, device):
    return waha.add_group("grab-1", "Komunitas Reseller", [
        {"phone": ME, "role": "superadmin"},
        {"phone": "6281311110001", "role": "admin"},
        {"phone": "6281311110002"},
        {"phone": "6281311110003", "hidden": True},
        {"phone": "6591234567"},
    ])


def grab(api, payload):
    with TestCase.captureOnCommitCallbacks(execute=True):
        r = api.post("/api/contacts/grab", payload, format="json")
    return r, api.get(f"/api/contacts/imports/{r.json()['id']}").json() if r.status_code in (201, 202) else None


def test_lists_groups_with_sizes(owner_api, device, group):
    r = owner_api.get("/api/contacts/groups", {"device": "grab-1"})
    assert r.status_code == 200
    assert [(g["name"], g["size"]) for g in r.json()["groups"]] == [("Komunitas Reseller", 5)]


def test_grab_merges_skips_own_number_and_counts_hidden(owner_api, workspace, device, group, make_contact):
    make_contact("6281311110001", "Known", tags=["VIP"])
    r, job = grab(owner_api, {"device": "grab-1", "group_id": group["id"], "tags": ["Reseller"]})
    assert r.status_code == 202, r.json()
    assert job["status"] == "done"
    assert job["report"] == {"created": 2, "updated": 1, "skipped_duplicate": 0, "rejected": 0,
                             "left_out_plan_limit": 0, "hidden_by_whatsapp": 1}
    got = {c.phone: c for c in Contact.objects.for_workspace(workspace)}
    assert set(got) == {"6281311110001", "6281311110002", "6591234567"}  # not ME, not the hidden one
    assert got["6281311110002"].source == "Group Grab"
    assert sorted(got["6281311110002"].tags.values_list("name", flat=True)) == [
        "From Group Komunitas Reseller", "Reseller"]
    assert sorted(got["6281311110001"].tags.values_list("name", flat=True)) == [
        "From Group Komunitas Reseller", "Reseller", "VIP"]
    assert got["6281311110001"].source == "Manual" and got["6281311110001"].name == "Known"


def test_grab_respects_the_plan_limit(owner_api, workspace, device, group, contact_limit):
    contact_limit(1)
    _r, job = grab(owner_api, {"device": "grab-1", "group_id": group["id"]})
    assert job["report"]["created"] == 1 and job["report"]["left_out_plan_limit"] == 2


def test_lid_without_pn_is_resolved_through_waha(monkeypatch, owner_api, workspace, device):
    class FakeClient:
        def groups(self, session):
            return [{"id": "123@g.us", "name": "Arisan", "size": 3}]

        def group_participants(self, session, group_id):
            return [{"id": "111@lid", "pn": None}, {"id": "222@lid", "pn": None},
                    {"id": "333@lid", "pn": "6281399990003@c.us"}]

        def lid_to_phone(self, session, lid):
            return {"111@lid": "6281399990001@c.us"}.get(lid)

        def session_me(self, session):
            return {"id": f"{ME}@c.us"}

        def contact_names(self, session):
            return {"6281399990001": "Resolved Rudi"}

    monkeypatch.setattr("contacts.grab.client_for", lambda d: FakeClient())  # where grab calls it
    _r, job = grab(owner_api, {"device": "grab-1", "group_id": "123@g.us"})
    assert job["report"]["created"] == 2 and job["report"]["hidden_by_whatsapp"] == 1
    assert sorted(Contact.objects.values_list("phone", flat=True)) == ["6281399990001", "6281399990003"]
    assert Contact.objects.get(phone="6281399990001").name == "Resolved Rudi"  # named after the LID lookup


def test_other_workspaces_device_is_404_and_bad_group_is_400(owner_api, outsider_api, device, group):
    assert outsider_api.get("/api/contacts/groups", {"device": "grab-1"}).status_code == 404
    assert outsider_api.post("/api/contacts/grab", {"device": "grab-1", "group_id": group["id"]},
                             format="json").status_code == 404
    r = owner_api.post("/api/contacts/grab", {"device": "grab-1", "group_id": "nope"}, format="json")
    assert r.status_code == 400 and "@g.us" in r.json()["message"]
    r = owner_api.post("/api/contacts/grab", {"device": "grab-1", "group_id": "999@g.us"}, format="json")
    assert r.status_code == 404 and r.json()["error"] == "group_not_found"
    assert not ImportJob.objects.exists()


def test_waha_down_is_a_clear_error(owner_api, device, waha):
    waha.stop()
    r = owner_api.get("/api/contacts/groups", {"device": "grab-1"})
    assert r.status_code == 502 and "Check that the device is connected" in r.json()["message"]


def test_grab_page_lists_groups_and_grabs(owner_client, device, group, workspace):
    html = owner_client.get("/contacts/groups/", {"device": "grab-1"}).content.decode()
    assert "Komunitas Reseller" in html and "5 members" in html
    with TestCase.captureOnCommitCallbacks(execute=True):
        r = owner_client.post("/contacts/groups/", {"device": "grab-1", "group_id": group["id"], "tags": ""})
    assert r.status_code == 302
    page = owner_client.get(r["Location"]).content.decode()
    assert "Hidden by WhatsApp" in page and "Import finished" in page
    assert Contact.objects.for_workspace(workspace).count() == 3


def test_grabbed_members_get_whatsapp_display_names_without_overwriting_known_ones(
        owner_api, workspace, device, waha, make_contact):
    group = waha.add_group("grab-1", "Arisan RT 05", [
        {"phone": "6281311110001", "name": "Bu Rina"},
        {"phone": "6281311110002", "name": "Pak Budi"},
        {"phone": "6281311110003"},  # no display name: stays empty, never made up
        {"phone": "6281311110004", "name": "Hidden Hana", "hidden": True},
    ])
    make_contact("6281311110002", "Budi Santoso")
    _r, job = grab(owner_api, {"device": "grab-1", "group_id": group["id"]})
    assert job["status"] == "done"
    names = dict(Contact.objects.for_workspace(workspace).values_list("phone", "name"))
    assert names == {"6281311110001": "Bu Rina", "6281311110002": "Budi Santoso", "6281311110003": ""}


@pytest.mark.parametrize("engine", ["GOWS", "NOWEB", "WEBJS"])
def test_contact_names_on_every_engine(engine):
    server = EmulatorServer(port=0, engine=engine, api_key=API_KEY, status_delay=0.01).start()
    try:
        client = WahaClient(server.url, API_KEY)
        client.session_create("names-1", webhook_url="http://127.0.0.1:9/hook", hmac_key="k")
        assert server.wait_for_status("names-1", "SCAN_QR_CODE", timeout=3)
        server.scan("names-1", phone=ME)
        server.add_group("names-1", "G", [{"phone": "6281311110009", "name": "Sari"}])
        assert client.contact_names("names-1").get("6281311110009") == "Sari"
    finally:
        server.stop()


def test_a_gateway_without_the_contacts_api_still_grabs(owner_api, workspace, device, group, monkeypatch):
    from devices.waha import WahaClient, WahaNotFound

    def missing(self, session, **kw):
        raise WahaNotFound("no such route", session=session)

    monkeypatch.setattr(WahaClient, "contact_names", missing)
    _r, job = grab(owner_api, {"device": "grab-1", "group_id": group["id"]})
    assert job["status"] == "done" and job["report"]["created"] == 3
