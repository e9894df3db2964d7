"""Workspace A's contacts objects for the tenant walk (tests/test_tenant_isolation.py)."""
from contacts.models import Contact, ContactTag, ImportJob, ImportReject, Tag
from tests.url_walk import MARKER

PUBLIC = {}


def build(workspace, owner):
    tag = Tag.objects.create(workspace=workspace, name=f"{MARKER} tag")
    contact = Contact.objects.create(workspace=workspace, phone="6281234567890", name=f"{MARKER} Budi",
                                     custom_fields={"city": MARKER})
    ContactTag.objects.create(contact=contact, tag=tag)
    job = ImportJob.objects.create(workspace=workspace, created_by=owner, original_name=f"{MARKER}.csv",
                                   headers=["phone", MARKER], mapping=["phone", "skip"],
                                   status=ImportJob.Status.DONE)
    ImportReject.objects.create(job=job, row_number=2, value=MARKER, reason=MARKER)
    return {"pk": contact.pk, "public_id": job.public_id, "api:contact-detail": {"pk": contact.pk}}
