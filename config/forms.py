"""Turning a service's UserError into form errors, the same way on every page.

The whole message says what happened and what to do, so it is shown once: beside the first field it
names that the form has, or at the top when it names none of them. Other fields it names get their own
short note beside them.
"""


def apply_user_error(form, exc):
    fields = [(name, note) for name, note in (exc.fields or {}).items() if name in form.fields]
    if not fields:
        form.add_error(None, exc.message)
        return
    first, *others = fields
    form.add_error(first[0], exc.message)
    for name, note in others:
        form.add_error(name, note or exc.message)
