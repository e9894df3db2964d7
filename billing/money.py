"""One way to write a rupiah amount: "Rp 897.000", Indonesian style, whatever the reader's language.

The invoice showed the same amount as "Rp 897,000" (the English UI's `floatformat:"0g"`) and "Rp 897.000"
(the payment steps) on one page. A bank-transfer amount must read the same everywhere the payer sees it,
so pages (the `rupiah` filter in billing/templatetags/money.py), payment steps and the admin all call this.
What a "Copy" button puts on the clipboard is `rupiah_digits`: the bare number a bank app's amount field takes.
"""


def rupiah(amount):
    """'Rp 897.000' for 897000; the dot groups thousands, there are no cents. Blank for None."""
    if amount is None or amount == "":
        return ""
    value = int(round(float(amount)))
    sign = "-" if value < 0 else ""
    return f"{sign}Rp {abs(value):,}".replace(",", ".")


def rupiah_digits(amount):
    """'897000' for 897000: no "Rp", no separators, what a banking app's amount field accepts."""
    if amount is None or amount == "":
        return ""
    return str(int(round(float(amount))))
