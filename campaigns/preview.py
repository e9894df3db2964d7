"""What the composer and POST /api/campaign/preview show: sample renderings and the variant count."""
import random

from django.utils.translation import gettext as _

from common import spintax

SAMPLE_VARIABLES = {"name": "Budi", "phone": "6281234567890", "city": "Bandung"}


def message_preview(workspace, message, *, contact=None, samples=3, rng=None):
    """{"samples", "variants", "contact"} or raises spintax.SpintaxError (with .position)."""
    from contacts.models import Contact
    from contacts.selectors import contact_variables

    spintax.validate(message)
    if contact is None:
        contact = Contact.objects.for_workspace(workspace).order_by("pk").first()
    variables = contact_variables(contact) if contact else SAMPLE_VARIABLES
    rng = rng or random.Random()
    return {
        "samples": [spintax.render(message, variables, rng=rng) for _ in range(samples)],
        "variants": spintax.count_variants(message),
        "contact": {"id": contact.pk, "name": contact.name, "phone": contact.phone} if contact else
        {"id": None, "name": _("Sample contact"), "phone": SAMPLE_VARIABLES["phone"]},
    }
