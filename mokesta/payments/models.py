from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from mokesta.billing.models import MONEY
from mokesta.customers.models import Contract


class Payment(models.Model):
    """Money received [mokėjimas]. Without a contract it waits in the unmatched queue for staff."""

    class Source(models.TextChoices):
        BANK = "bank", _("bank statement")
        ONLINE = "online", _("online payment")
        CASH = "cash", _("cash desk")

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
    payer_name = models.CharField(_("payer"), max_length=200, blank=True)
    details = models.CharField(_("payment details"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-paid_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
        ]
        indexes = [
            # Balances and the self-service payment list read a contract's payments by date.
            models.Index(fields=["contract", "paid_on"], name="payment_contract_date_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.paid_on} {self.amount}"
