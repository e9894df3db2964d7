"""`{% load money %}{{ line.amount|rupiah }}`: every rupiah amount in templates and emails (billing/money.py)."""
from django import template

from ..money import rupiah as _rupiah

register = template.Library()


@register.filter
def rupiah(amount):
    return _rupiah(amount)
