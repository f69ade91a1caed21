import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from mokesta.billing.models import Invoice
from mokesta.customers.models import Contract
from mokesta.lib.money import MONEY, money_text
from mokesta.payments.models import Payment


def new_order_id() -> str:
    # Random, not a sequence: it is the provider's order id and part of the customer's return
    # URL, and a fresh database must never reuse an id the provider has already seen.
    return "MK" + secrets.token_hex(10).upper()


class Payout(models.Model):
    """A provider's lump-sum transfer on the bank statement, settling online payments that were
    booked one by one when they were confirmed: recorded here, never booked again. The bank
    transaction it came in links to it (`bank.BankTransaction.payout`, reverse
    `payout.bank_transaction`): bank sits above onlinepay."""

    provider = models.CharField(_("provider"), max_length=20)
    amount = models.DecimalField(_("amount received"), **MONEY)
    settled = models.DecimalField(_("online payments settled"), **MONEY)
    booked_on = models.DateField(_("booking date"))
    created_at = models.DateTimeField(_("imported at"), auto_now_add=True)

    class Meta:
        verbose_name = _("payout")
        verbose_name_plural = _("payouts")
        ordering = ["-booked_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.booked_on} {self.provider} {self.amount}"

    @property
    def difference(self):  # -> Decimal: received minus settled (negative: fees withheld)
        return self.amount - self.settled


class PaymentOrder(models.Model):
    """One attempt to pay online: sent to the provider, then confirmed (booked as one Payment),
    failed, expired, or flagged for staff when the provider's confirmation does not match.

    An order for all the contracts due („Apmokėti viską") has no contract of its own: its
    parts (PaymentOrderPart) say which contracts and how much each, and its confirmation books
    one Payment per part (the parts hold them; the order's own `payment` stays empty)."""

    class State(models.TextChoices):
        PENDING = "pending", _("pending")
        CONFIRMED = "confirmed", _("confirmed")
        FAILED = "failed", _("failed")
        EXPIRED = "expired", _("expired")
        FLAGGED = "flagged", _("flagged for staff")

    order_id = models.CharField(
        _("order id"), max_length=40, unique=True, default=new_order_id, editable=False
    )
    provider = models.CharField(_("provider"), max_length=20)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING
    )
    amount = models.DecimalField(_("amount"), **MONEY)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    # Empty for an order of several contracts: its parts name them.
    contract = models.ForeignKey(
        Contract,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="payment_orders",
        verbose_name=_("contract"),
    )
    invoice = models.ForeignKey(
        Invoice,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="payment_orders",
        verbose_name=_("invoice"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="payment_orders",
        verbose_name=_("user"),
    )
    payment = models.OneToOneField(
        Payment,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="online_order",
        verbose_name=_("payment"),
    )
    payout = models.ForeignKey(
        Payout,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="orders",
        verbose_name=_("payout"),
    )
    provider_transaction = models.CharField(_("provider's transaction"), max_length=40, blank=True)
    payment_method = models.CharField(_("payment method"), max_length=40, blank=True)
    # Why staff must look at it (a confirmation whose amount or currency differs, …).
    problem = models.CharField(_("problem"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("online payment")
        verbose_name_plural = _("online payments")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte="0.01") & Q(amount__lte="10000.00"),
                name="payment_order_amount_range",
            ),
            models.CheckConstraint(
                # Booked exactly when confirmed: one Payment per confirmed order of one contract,
                # none otherwise; an order of several contracts keeps its payments on its parts.
                condition=Q(contract__isnull=False, state="confirmed", payment__isnull=False)
                | (Q(contract__isnull=False) & ~Q(state="confirmed") & Q(payment__isnull=True))
                | Q(contract__isnull=True, payment__isnull=True),
                name="payment_order_confirmed_has_payment",
            ),
            models.CheckConstraint(
                condition=Q(contract__isnull=False) | Q(invoice__isnull=True),
                name="payment_order_invoice_has_contract",
            ),
        ]
        indexes = [models.Index(fields=["state", "created_at"], name="payment_order_state_idx")]

    def __str__(self) -> str:
        return self.order_id


class PaymentOrderPart(models.Model):
    """One contract's share of an order for several contracts: the amount it was due when the
    order started, booked as its own Payment on that contract when the provider confirms."""

    order = models.ForeignKey(
        PaymentOrder, models.CASCADE, related_name="parts", verbose_name=_("online payment")
    )
    contract = models.ForeignKey(
        Contract, models.PROTECT, related_name="payment_order_parts", verbose_name=_("contract")
    )
    amount = models.DecimalField(_("amount"), **MONEY)
    payment = models.OneToOneField(
        Payment,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="online_order_part",
        verbose_name=_("payment"),
    )

    class Meta:
        verbose_name = _("contract's share of an online payment")
        verbose_name_plural = _("contracts' shares of online payments")
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["order", "contract"], name="payment_order_part_once"),
            models.CheckConstraint(
                condition=Q(amount__gte="0.01"), name="payment_order_part_amount_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{money_text(self.amount)} €"  # the inline's row: the contract is a column
