"""What the post office's payment file brings beyond payments: the day's transfer to reconcile
with the bank statement, and the meter readings the declaration rules did not accept."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from mokesta.customers.models import Contract
from mokesta.lib.money import MONEY
from mokesta.metering.models import Meter
from mokesta.payments.models import BankTransaction, Payment, StatementImport


class PostTransfer(models.Model):
    """Lietuvos paštas's transfer of one day's collected payments, less its fee per payment: what
    its file says (number, date, payments and their sum) and the bank statement's credit that
    brought it. Either may arrive first; the credit is never booked as a customer's payment."""

    number = models.CharField(_("transfer number"), max_length=8, blank=True)
    transfer_date = models.DateField(_("transfer date"))
    file = models.ForeignKey(
        StatementImport,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="post_transfers",
        verbose_name=_("post office file"),
    )
    payments = models.PositiveIntegerField(_("payments in the file"), default=0)
    collected = models.DecimalField(_("collected"), default=0, **MONEY)
    fee = models.DecimalField(_("post office fee"), default=0, **MONEY)
    bank_transaction = models.OneToOneField(
        BankTransaction,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="post_transfer",
        verbose_name=_("bank transaction"),
    )
    received = models.DecimalField(_("received"), null=True, blank=True, **MONEY)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("post office transfer")
        verbose_name_plural = _("post office transfers")
        ordering = ["-transfer_date", "-pk"]
        constraints = [
            # One record per transfer of the post (a second file of it adds to the first).
            models.UniqueConstraint(
                fields=["number", "transfer_date"],
                condition=~Q(number=""),
                name="post_transfer_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number or '?'} {self.transfer_date}"

    @property
    def expected(self):  # -> Decimal | None: what the bank should have received
        return self.collected - self.fee if self.file_id else None

    @property
    def difference(self):  # -> Decimal | None: received minus expected
        if self.received is None or self.file_id is None:
            return None
        return self.received - self.collected + self.fee


class HeldReading(models.Model):
    """A meter reading written at the post office that the declaration rules did not accept (or
    whose payment no contract was found for): it waits for a clerk with the reason."""

    statement = models.ForeignKey(
        StatementImport,
        models.CASCADE,
        related_name="held_readings",
        verbose_name=_("post office file"),
    )
    line = models.PositiveIntegerField(_("line"))
    payment = models.ForeignKey(
        Payment, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("payment")
    )
    contract = models.ForeignKey(
        Contract,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("contract"),
    )
    meter = models.ForeignKey(
        Meter, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("meter")
    )
    position = models.PositiveSmallIntegerField(_("meter on the slip"))
    month = models.DateField(_("month"))
    value = models.CharField(_("reading written"), max_length=20)
    previous = models.CharField(_("previous reading written"), max_length=20, blank=True)
    payer_name = models.CharField(_("payer"), max_length=200, blank=True)
    reason = models.CharField(_("why held"), max_length=500)
    created_at = models.DateTimeField(_("received at"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resolved by"),
    )

    class Meta:
        verbose_name = _("held reading")
        verbose_name_plural = _("held readings")
        ordering = ["resolved_at", "-created_at", "pk"]
        indexes = [
            # The clerk's queue: the readings still waiting, newest first.
            models.Index(fields=["resolved_at", "created_at"], name="held_reading_queue_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.value}"
