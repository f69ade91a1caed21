from django.conf import settings
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

    class Meta:
        verbose_name = _("bank transaction")
        verbose_name_plural = _("bank transactions")
        ordering = ["-booked_on", "-pk"]
        indexes = [
            # The import's result page lists one page of a statement's transactions in file order.
            models.Index(
                fields=["statement", "entry_number", "position"], name="banktx_file_order_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.booked_on} {self.amount} {self.payer_name}"
