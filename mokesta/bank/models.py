"""The bank's side of the money: each statement file imported and every transaction in it, with
what became of it (a payment, a debit, a duplicate, or a payment provider's payout); and what the
post office's payment file brings beyond payments: the day's transfer to reconcile with the bank
statement, and the meter readings the declaration rules did not accept."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from mokesta.customers.models import Contract
from mokesta.lib.money import MONEY
from mokesta.metering.models import Meter
from mokesta.onlinepay.models import Payout
from mokesta.payments.models import Payment


class StatementImport(models.Model):
    """One bank statement file imported by staff or by `manage.py import_statement`."""

    class Format(models.TextChoices):
        CAMT053 = "camt053", _("ISO 20022 camt.053 XML")
        SWEDBANK_CSV = "swedbank_csv", _("Swedbank CSV")
        POSTLT = "postlt", _("Lietuvos paštas payment file")

    class State(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("importing")
        DONE = "done", _("imported")
        FAILED = "failed", _("failed, nothing imported")

    file_name = models.CharField(_("file name"), max_length=255)
    format = models.CharField(_("format"), max_length=20, choices=Format.choices)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    created_at = models.DateTimeField(_("imported at"), auto_now_add=True)
    entries = models.PositiveIntegerField(_("entries in file"), default=0)
    matched = models.PositiveIntegerField(_("matched"), default=0)
    unmatched = models.PositiveIntegerField(_("unmatched"), default=0)
    ignored = models.PositiveIntegerField(_("ignored (debits)"), default=0)
    duplicates = models.PositiveIntegerField(_("already imported"), default=0)
    skipped = models.PositiveIntegerField(_("not booked by the bank (skipped)"), default=0)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.DONE)
    error = models.TextField(_("error"), blank=True)
    # The file as uploaded, so that a background worker can import it (and staff can see what
    # the bank sent). Limited by STATEMENT_MAX_BYTES.
    content = models.BinaryField(_("file content"), blank=True, default=b"", editable=False)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("statement import")
        verbose_name_plural = _("statement imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.created_at:%Y-%m-%d %H:%M})"


class BankTransaction(models.Model):
    """One transaction of a bank statement as the bank sent it, and what became of it. Every
    transaction of a file gets a row, including those already imported and those not booked."""

    class State(models.TextChoices):
        MATCHED = "matched", _("matched")
        UNMATCHED = "unmatched", _("unmatched")
        IGNORED = "ignored", _("ignored (debit)")
        ASSIGNED = "assigned", _("assigned by staff")
        DUPLICATE = "duplicate", _("already imported")
        SKIPPED = "skipped", _("not booked by the bank (pending or information)")
        PAYOUT = "payout", _("online payment provider's payout")

    statement = models.ForeignKey(
        StatementImport,
        models.CASCADE,
        related_name="transactions",
        verbose_name=_("statement import"),
    )
    # The transaction's identity (see bank.parsing): unique among booked transactions, so the
    # same transaction is never booked twice however many times its statement is imported.
    # Empty (NULL) on the rows that only list a duplicate or an entry the bank has not booked.
    checksum = models.CharField(
        _("bank reference"), max_length=100, unique=True, null=True, blank=True
    )
    reference = models.CharField(_("transaction identity"), max_length=100, blank=True)
    # Where it is in the file: the entry (camt.053) or line (CSV) number, and the transaction's
    # number within a batch entry.
    entry_number = models.PositiveIntegerField(_("entry or line"), default=0)
    position = models.PositiveIntegerField(_("transaction in the entry"), default=1)
    amount = models.DecimalField(_("amount"), **MONEY)
    booked_on = models.DateField(_("booking date"), null=True, blank=True)
    credit = models.BooleanField(_("credit"), default=True)
    payer_name = models.CharField(_("payer"), max_length=200, blank=True)
    remittance = models.CharField(_("payment details"), max_length=500, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices)
    payment = models.OneToOneField(
        Payment,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="bank_transaction",
        verbose_name=_("payment"),
    )
    # A payout (state PAYOUT): the provider's record of the online payments it settles. The link
    # lives here, not on the Payout, because onlinepay sits below bank (README: "Layers").
    payout = models.OneToOneField(
        Payout,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="bank_transaction",
        verbose_name=_("payout"),
    )

    class Meta:
        verbose_name = _("bank transaction")
        verbose_name_plural = _("bank transactions")
        ordering = ["-booked_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(payout__isnull=True) | Q(state="payout"),
                name="banktx_payout_only_on_payouts",
            ),
        ]
        indexes = [
            # The import's result page lists one page of a statement's transactions in file order.
            models.Index(
                fields=["statement", "entry_number", "position"], name="banktx_file_order_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.booked_on} {self.amount} {self.payer_name}"


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
