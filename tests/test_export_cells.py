"""Every export escapes formula cells the same way (issue 12 #14), tab / CR / LF starts included."""
import csv
import io

import pytest

from common.cells import safe_cell

pytestmark = pytest.mark.django_db
HOSTILE = ["=HYPERLINK(\"http://x\")", "+1+cmd|' /C calc'!A0", "-2+HYPERLINK(\"http://x\")", "@SUM(A1)", "\t=1+1",
           "\r=cmd|' /C calc'!A0", "\n=1", "+A1", "-"]
# A sign and then only digits and phone punctuation: nothing a spreadsheet could call (issue 20 #9).
AS_TYPED = ["+44 7700 900123", "+62 812-3456-7890", "+6281234567890", "-5", "+(62) 812.3456/7890"]


@pytest.mark.parametrize("value", HOSTILE)
def test_formula_starts_become_text(value):
    assert safe_cell(value) == "'" + value


@pytest.mark.parametrize("value", AS_TYPED)
def test_numbers_and_phones_as_typed_stay_as_typed(value):
    assert safe_cell(value) == value


def test_plain_values_stay(value="Budi 0812 =ok"):
    assert safe_cell(value) == value and safe_cell(None) == "" and safe_cell(62812) == "62812"


def test_contacts_and_recipients_exports_escape_tab_led_formulas(owner_client, owner_api, workspace):
    from campaigns.models import Campaign, Recipient
    from contacts.models import Contact

    Contact.objects.create(workspace=workspace, phone="6281100000001", name="\t=1+1")
    campaign = Campaign.objects.create(workspace=workspace, name="c", message_template="Hi")
    Recipient.objects.create(workspace=workspace, campaign=campaign, phone="6281100000001", name="\r=2+2")
    contacts_csv = b"".join(owner_api.get("/api/contacts/export").streaming_content).decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(contacts_csv)))[1][1] == "'\t=1+1"
    response = owner_client.get(f"/campaigns/{campaign.pk}/recipients.csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[1][1] == "'\r=2+2"
