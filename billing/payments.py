"""How invoices get paid. `PaymentProvider` is the seam for a gateway; today only a manual bank transfer.

A provider turns a PENDING ledger line into what the payer sees (`instructions`). Confirmation comes
back through `billing.services.subscription_mark_paid`: for a bank transfer an operator calls it from
the Django admin; a gateway would call it from its webhook view after checking the signature.
"""
from dataclasses import asdict, dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .money import rupiah, rupiah_digits


@dataclass
class PaymentInstructions:
    method: str
    title: str
    amount: int
    currency: str
    reference: str
    details: dict = field(default_factory=dict)  # label -> value, shown as a table
    steps: list = field(default_factory=list)
    pay_url: str = ""  # a gateway's checkout page; empty for bank transfers
    # label -> what its "Copy" button puts on the clipboard (the amount as bare digits). Pages only.
    copy: dict = field(default_factory=dict)

    def as_dict(self):
        data = asdict(self)
        del data["copy"]  # the API already gives `amount` as a number and each detail as its text
        return data

    def rows(self):
        """The details table for a page: label, value shown, value copied ("" when it has no button)."""
        return [{"label": label, "value": value, "copy": self.copy.get(label, "")}
                for label, value in self.details.items()]


class PaymentProvider:
    """Base class: one way to pay an invoice. Register implementations in PROVIDERS by `code`."""

    code = ""
    name = ""

    def instructions(self, subscription) -> PaymentInstructions:
        raise NotImplementedError

    def is_configured(self) -> bool:
        return True


class ManualBankTransfer(PaymentProvider):
    """The payer transfers the amount with the invoice reference; an operator marks it paid in the admin."""

    code = "manual_bank_transfer"
    name = gettext_lazy("Bank transfer")

    def is_configured(self):
        return bool(settings.BILLING_BANK_NAME and settings.BILLING_BANK_ACCOUNT_NUMBER)

    def instructions(self, subscription):
        amount = rupiah(subscription.amount)
        account, amount_label, reference_label = _("Account number"), _("Amount"), _("Transfer description")
        return PaymentInstructions(
            method=self.code, title=str(self.name), amount=subscription.amount, currency=subscription.currency,
            reference=subscription.reference,
            details={
                _("Bank"): settings.BILLING_BANK_NAME,
                account: settings.BILLING_BANK_ACCOUNT_NUMBER,
                _("Account holder"): settings.BILLING_BANK_ACCOUNT_HOLDER,
                amount_label: amount,
                reference_label: subscription.reference,
            },
            copy={
                # Bank apps refuse spaces or dashes in an account number and "Rp"/dots in an amount.
                account: _account_digits(settings.BILLING_BANK_ACCOUNT_NUMBER),
                amount_label: rupiah_digits(subscription.amount),
                reference_label: subscription.reference,
            },
            steps=[
                _("Transfer exactly %(amount)s to the account above.") % {"amount": amount},
                _("Write %(reference)s in the transfer description so we can match it.") % {
                    "reference": subscription.reference},
                _("We activate your plan as soon as the transfer arrives (usually within one working day). "
                  "Questions? Reply to %(email)s.") % {"email": settings.BILLING_CONTACT_EMAIL},
            ],
        )


def _account_digits(number):
    """'123-456 7890' -> '1234567890'; a number written with letters (an IBAN) stays as it is."""
    digits = "".join(ch for ch in number if ch.isdigit())
    return digits if digits and all(ch.isdigit() or ch in " -." for ch in number) else number


PROVIDERS = {provider.code: provider for provider in [ManualBankTransfer()]}
DEFAULT_PROVIDER = ManualBankTransfer.code


def provider_for(subscription) -> PaymentProvider:
    try:
        return PROVIDERS[subscription.provider]
    except KeyError:
        raise LookupError(f"No payment provider {subscription.provider!r}; known: {sorted(PROVIDERS)}") from None
