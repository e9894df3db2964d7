"""`{% load money %}{{ line.amount|rupiah }}`: every rupiah amount in templates and emails (billing/money.py)."""
from django import template

from ..money import rupiah as _rupiah
from ..money import rupiah_digits as _rupiah_digits

register = template.Library()


@register.filter
def rupiah(amount):
    return _rupiah(amount)


@register.filter
def rupiah_digits(amount):
    return _rupiah_digits(amount)
