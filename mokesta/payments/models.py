from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from mokesta.customers.models import Contract
from mokesta.lib.money import MONEY


class Payment(models.Model):
    """Money received [mokėjimas]. Without a contract it waits in the unmatched queue for staff."""

    class Source(models.TextChoices):
        BANK = "bank", _("bank statement")
        ONLINE = "online", _("online payment")
        CASH = "cash", _("cash desk")
        # An overpayment brought in from the utility's previous system (mokesta.onboarding).
        OPENING = "opening", _("opening balance")
        POST = "post", _("post office or Perlas")

    class UnmatchedReason(models.TextChoices):
        """Why the import could not tell whose payment it is: shown to staff in the queue."""

        NONE_FOUND = "none_found", _("no payment code, contract number or payer code found")
        SEVERAL_CODES = "several_codes", _("payment codes of several contracts")
        SEVERAL_NUMBERS = "several_numbers", _("several contract numbers")
        SEVERAL_PAYERS = "several_payers", _("several payer codes")
        PAYER_CONTRACTS = "payer_contracts", _("the payer has several contracts")
        # Held for a clerk: the bank sent its reference twice with different amounts (a bank's
        # error, or a correction): never dropped as "already imported", never matched unseen.
        REFERENCE_REUSED = "reference_reused", _("the bank reference was used for another amount")

    contract = models.ForeignKey(
        Contract,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="payments",
        verbose_name=_("contract"),
    )
    amount = models.DecimalField(_("amount"), **MONEY)
    paid_on = models.DateField(_("payment date"))
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    # The bank's own id of the entry: unique, so importing a statement twice books nothing twice.
    bank_reference = models.CharField(
        _("bank reference"), max_length=100, unique=True, null=True, blank=True
    )
    # An online payment's id at its provider ("paysera:<order id>"): unique, so a confirmation
    # the provider repeats, or that races the customer's return, is booked once.
    provider_reference = models.CharField(
        _("provider reference"), max_length=100, unique=True, null=True, blank=True
    )
    payer_name = models.CharField(_("payer"), max_length=200, blank=True)
    details = models.CharField(_("payment details"), max_length=500, blank=True)
    unmatched_reason = models.CharField(
        _("why unmatched"), max_length=20, choices=UnmatchedReason.choices, blank=True
    )
    # What the reason is about, e.g. the two contract numbers found: "VKU-2018-0007, VKU-2020-0090".
    unmatched_detail = models.CharField(_("found in the details"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-paid_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            # One opening balance per contract: an import never brings it in twice.
            models.UniqueConstraint(
                fields=["contract"], condition=Q(source="opening"), name="payment_one_opening"
            ),
        ]
        indexes = [
            # Balances and the self-service payment list read a contract's payments by date.
            models.Index(fields=["contract", "paid_on"], name="payment_contract_date_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.paid_on} {self.amount}"

    @property
    def unmatched_because(self) -> str:
        """The reason a payment waits for staff, with what was found: for the queue."""
        if not self.unmatched_reason:
            return ""
        reason = str(self.get_unmatched_reason_display())
        return f"{reason}: {self.unmatched_detail}" if self.unmatched_detail else reason


class UnmatchedPaymentManager(models.Manager["UnmatchedPayment"]):
    def get_queryset(self) -> models.QuerySet["UnmatchedPayment"]:
        return super().get_queryset().filter(contract__isnull=True)


class UnmatchedPayment(Payment):
    """The queue of payments no contract was found for; clerks assign a contract here."""

    objects = UnmatchedPaymentManager()  # type: ignore[misc]

    class Meta:
        proxy = True
        verbose_name = _("unmatched payment")
        verbose_name_plural = _("unmatched payments")
