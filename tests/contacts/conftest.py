"""Contacts test fixtures: uploads land in a temporary MEDIA_ROOT; helpers to build contacts fast."""
import pytest

from contacts.models import Contact, ContactTag, Tag


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def make_contact(workspace):
    def make(phone, name="", tags=(), ws=None, **extra):
        ws = ws or workspace
        contact = Contact.objects.create(workspace=ws, phone=phone, name=name, **extra)
        for tag_name in tags:
            tag, _ = Tag.objects.get_or_create(workspace=ws, name=tag_name)
            ContactTag.objects.create(contact=contact, tag=tag)
        return contact

    return make


@pytest.fixture
def contact_limit(db):
    """Set the Free plan's contact limit (every test workspace is on Free)."""
    from billing.models import Package

    def set_limit(n):
        Package.objects.filter(code="free").update(max_contacts=n)

    return set_limit
