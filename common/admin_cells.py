"""Changelist cells for the operators' admin, shared by every app's admin.py.

A changelist must fit a 1366 px laptop next to the app menu and the filters, so long values (workspace
names, labels, errors, file names) are cut to a few words with the full text kept in the cell's title,
and dates are shown in the short format. ``cut(...)`` and ``when(...)`` make columns to assign in a
ModelAdmin's body (``workspace_name = cut("workspace__name", _("Workspace"))``) and name in list_display
and list_display_links like any field; the cell keeps Django's ``field-<attribute>`` class.
"""
from django.contrib import admin
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.text import Truncator


def cut_text(value, chars=30):
    """The value, cut to `chars` characters with the whole text in a tooltip when it is longer."""
    text = "" if value is None else str(value)
    if len(text) <= chars:
        return text
    return format_html('<span class="cell-cut" title="{}">{}</span>', text, Truncator(text).chars(chars))


def _follow(obj, path):
    for part in path.split("__"):
        obj = getattr(obj, part, None)
        if obj is None:
            return None
    return obj


def cut(path, description, *, chars=30, ordering=None):
    """A column showing `path` (a field, or a relation's field as "workspace__name") cut to `chars`."""

    def column(obj):
        return cut_text(_follow(obj, path), chars)

    # A staticmethod, so the admin calls it with the row alone when it looks the name up on the ModelAdmin.
    return staticmethod(admin.display(description=description, ordering=ordering or path)(column))


def short_datetime(value):
    if value is None:
        return "—"
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return format_html('<span title="{}">{}</span>', formats.date_format(value, "DATETIME_FORMAT"),
                       formats.date_format(value, "SHORT_DATETIME_FORMAT"))


def when(path, description):
    """A date-and-time column in the short format ("05/15/2026 10 a.m.", "15/05/2026 10.00")."""

    def column(obj):
        return short_datetime(_follow(obj, path))

    return staticmethod(admin.display(description=description, ordering=path)(column))
