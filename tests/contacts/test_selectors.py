"""The audience campaigns send to, list filters, variables, and the opt-out service."""
import pytest

from contacts import selectors, services
from contacts.models import Contact
from contacts.selectors import ContactFilters

pytestmark = pytest.mark.django_db


def phones(qs):
    return sorted(qs.values_list("phone", flat=True))


@pytest.fixture
def people(make_contact, other_workspace):
    make_contact("6281100000001", "Ani", tags=["VIP"])
    make_contact("6281100000002", "Budi", tags=["Lead"])
    make_contact("6281100000003", "Citra", tags=["VIP", "Lead"])
    make_contact("6281100000004", "Dewi", tags=["VIP", "Blocked"])
    make_contact("6281100000005", "Eka", tags=["VIP"], opted_out=True)
    make_contact("6281100000006", "Fajar")
    make_contact("6281100000009", "Other", tags=["VIP"], ws=other_workspace)


def test_audience_any_tag_minus_excluded_minus_opted_out(workspace, people):
    qs = selectors.audience(workspace, tags=["vip", "Lead"], exclude_tags=["Blocked"])
    assert phones(qs) == ["6281100000001", "6281100000002", "6281100000003"]


def test_audience_leaves_out_the_workspaces_own_numbers(workspace, other_workspace, people):
    from devices.models import Device, WahaServer

    server = WahaServer.objects.create(name="own", base_url="http://127.0.0.1:9")
    Device.objects.create(workspace=workspace, server=server, session_name="own-1", phone_number="6281100000006")
    Device.objects.create(workspace=workspace, server=server, session_name="own-2", phone_number="")
    # Another shop's number is just a customer here.
    Device.objects.create(workspace=other_workspace, server=server, session_name="own-3", phone_number="6281100000001")
    assert phones(selectors.audience(workspace, tags=[])) == [
        "6281100000001", "6281100000002", "6281100000003", "6281100000004"]


def test_audience_unknown_tag_is_nobody_and_empty_tags_is_everyone(workspace, people):
    assert phones(selectors.audience(workspace, tags=["Nope"])) == []
    assert len(phones(selectors.audience(workspace, tags=[]))) == 5  # all but the opted-out one


def test_audience_never_crosses_workspaces(other_workspace, people):
    assert phones(selectors.audience(other_workspace, tags=["VIP"])) == ["6281100000009"]


def test_list_filters_all_tags_search_and_opted_out(workspace, people):
    def run(**kw):
        return phones(selectors.contact_list(workspace=workspace, filters=ContactFilters(**kw)))

    assert run(tags=["VIP", "Lead"], match="all") == ["6281100000003"]
    assert run(tags=["VIP", "Ghost"], match="all") == []
    assert run(search="cit") == ["6281100000003"]
    assert run(search="0811-0000-0002") == ["6281100000002"]
    assert run(opted_out=True) == ["6281100000005"]


def test_keyset_pages_cover_everything_once(workspace, people):
    qs = selectors.contact_list(workspace=workspace)
    seen, cursor = [], None
    while True:
        rows, cursor = selectors.contact_page(qs, cursor=cursor, size=2)
        seen += [r.phone for r in rows]
        if cursor is None:
            break
    assert sorted(seen) == phones(qs) and len(seen) == 6
    assert selectors.capped_count(qs, cap=4) == (4, True)


def test_contact_variables(workspace):
    contact = Contact(workspace=workspace, phone="6281", name="Budi", custom_fields={"city": "Bandung"})
    assert selectors.contact_variables(contact) == {"name": "Budi", "phone": "6281", "city": "Bandung"}


def test_opt_out_words_default_and_editable(workspace, make_contact):
    make_contact("6281234567890", "Budi")
    assert not services.opt_out_check(workspace=workspace, phone="081234567890", text="stop please")
    assert services.opt_out_check(workspace=workspace, phone="081234567890", text=" Berhenti. ")
    contact = Contact.objects.get(phone="6281234567890")
    assert contact.opted_out and contact.opted_out_at and "Berhenti" in contact.opted_out_reason

    services.opt_out_words_set(workspace=workspace, words="cukup, STOP")
    assert not services.opt_out_check(workspace=workspace, phone="+6281200000000", text="BERHENTI")
    assert services.opt_out_check(workspace=workspace, phone="+6281200000000", text="Cukup")
    new = Contact.objects.get(phone="6281200000000")
    assert new.source == "Inbound" and new.opted_out


def test_inbound_contact_over_limit_is_returned_unsaved(workspace, contact_limit):
    contact_limit(0)
    contact = services.contact_get_or_create_inbound(workspace=workspace, phone="081234567890", name="Budi")
    assert contact.pk is None and contact.phone == "6281234567890"
    # an opt-out is honoured even over the limit
    assert services.opt_out_check(workspace=workspace, phone="081234567890", text="STOP")
    assert Contact.objects.get(phone="6281234567890").opted_out
