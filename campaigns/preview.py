"""What the composer and POST /api/campaign/preview show: sample renderings and the variant count.

The samples are meant to show what the spintax does, so each one is a different variant: a sample is
rendered again (at most SAMPLE_TRIES times) until its choices differ from the samples before it, and a
message with fewer variants than samples asked for shows fewer. Each sample is filled in for another of
the workspace's first contacts (the built-in sample values when it has none), so [name] and the fields
are seen with real data.
"""
import random

from django.utils.translation import gettext as _

from common import spintax
from contacts.models import Contact
from contacts.selectors import contact_variables

SAMPLE_VARIABLES = {"name": "Budi", "phone": "6281234567890", "city": "Bandung"}
# Renderings tried for one new variant (each costs microseconds): a variant left with a 1-in-3 chance is
# still missed, and one sample fewer shown, only once in about 3,000 previews.
SAMPLE_TRIES = 20


class _RecordingRandom(random.Random):
    """Notes which option each {a|b} took: renderings for two contacts always differ by the name, so
    variants are told apart by their choices, not by their text."""

    def __init__(self, seed):
        super().__init__(seed)
        self.path = []

    def choice(self, seq):
        index = self.randrange(len(seq))
        self.path.append(index)
        return seq[index]


def _described(contact):
    if contact is None:
        return {"id": None, "name": _("Sample contact"), "phone": SAMPLE_VARIABLES["phone"]}
    return {"id": contact.pk, "name": contact.name, "phone": contact.phone}


def message_preview(workspace, message, *, contact=None, samples=3, rng=None):
    """{"samples", "sample_contacts", "variants", "contact"} or raises spintax.SpintaxError (with .position).

    `samples` are distinct variants, at most `samples` of them; `sample_contacts[i]` is whose values
    filled `samples[i]` (every one is `contact` when given); `contact` is the first of them.
    """
    spintax.validate(message)
    variants = spintax.count_variants(message)
    people = [contact] if contact is not None else list(
        Contact.objects.for_workspace(workspace).order_by("pk")[:samples])
    rng = rng or random.Random()
    texts, whose, seen = [], [], set()
    for index in range(min(samples, variants)):
        person = people[index % len(people)] if people else None
        variables = contact_variables(person) if person else SAMPLE_VARIABLES
        for _attempt in range(SAMPLE_TRIES):
            recorder = _RecordingRandom(rng.random())
            text = spintax.render(message, variables, rng=recorder)
            if tuple(recorder.path) not in seen:
                break
        else:
            break  # no new variant turned up: fewer samples rather than a repeat
        seen.add(tuple(recorder.path))
        texts.append(text)
        whose.append(_described(person))
    return {"samples": texts, "sample_contacts": whose, "variants": variants,
            "contact": whose[0] if whose else _described(people[0] if people else None)}
