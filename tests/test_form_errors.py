"""One rule for every page turning a service's UserError into form errors (config/forms.py)."""
import re
from pathlib import Path

from django import forms

from config.errors import UserError
from config.forms import apply_user_error

ROOT = Path(__file__).resolve().parents[1]


class TwoFields(forms.Form):
    phone = forms.CharField(required=False)
    name = forms.CharField(required=False)


def errors_of(exc):
    form = TwoFields({})
    form.is_valid()
    apply_user_error(form, exc)
    return {k: list(v) for k, v in form.errors.items()}


def test_the_whole_message_goes_beside_the_first_named_field_once():
    exc = UserError("“123” is not a valid phone number. Add the country code, e.g. +62.",
                    fields={"phone": "Enter a valid phone number.", "name": "Too long."})
    assert errors_of(exc) == {"phone": [exc.message], "name": ["Too long."]}


def test_fields_the_form_does_not_have_put_the_message_on_top():
    exc = UserError("Your Free plan allows 1 device.", fields={"devices": "limit"})
    assert errors_of(exc) == {"__all__": ["Your Free plan allows 1 device."]}
    assert errors_of(UserError("Plain.")) == {"__all__": ["Plain."]}


def test_no_page_has_its_own_copy_of_the_rule():
    own = []
    for path in ROOT.glob("*/*.py"):
        if path.parts[-2] in ("tests", ".venv", "bench") or path.name == "forms.py" and path.parts[-2] == "config":
            continue
        text = path.read_text()
        if re.search(r"for \w+, \w+ in \(?exc\.fields", text):
            own.append(str(path.relative_to(ROOT)))
    assert not own, f"use config.forms.apply_user_error in {own}"
