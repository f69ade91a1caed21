import datetime as dt
import hashlib
import json
from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from mokesta.customers.models import Contract
from mokesta.lib.money import MONEY
from mokesta.utility.models import Utility


def adds_up(field: str, *parts: str) -> Q:
    """`field` = sum of `parts`, within half a cent: SQLite compares decimals as floats."""
    total = sum((models.F(part) for part in parts[1:]), models.F(parts[0]))
    half_cent = models.Value(Decimal("0.005"))
    return Q(**{f"{field}__gt": total - half_cent, f"{field}__lt": total + half_cent})


class Tariff(models.Model):
    """A price [kaina] for one service and contract category, valid for a span of days."""

    class Service(models.TextChoices):
        WATER = "water", _("water supply")
        WASTEWATER = "wastewater", _("wastewater")
        FEE = "fee", _("monthly meter/service fee")
        # Lithuanian price decisions set a separate, lower fee for a contract where no meter can
        # be installed; the billing run charges it to contracts billed by the norm.
        FEE_NO_METER = "fee_no_meter", _("monthly fee where no meter can be installed")

    UNITS = {
        Service.WATER: "m³",
        Service.WASTEWATER: "m³",
        Service.FEE: _("meter-month"),
        Service.FEE_NO_METER: pgettext_lazy("unit", "month"),
    }

    service = models.CharField(_("service"), max_length=20, choices=Service.choices)
    category = models.CharField(_("category"), max_length=20, choices=Contract.Category.choices)
    price = models.DecimalField(_("price without VAT"), max_digits=10, decimal_places=4)
    vat_rate = models.DecimalField(_("VAT rate, %"), max_digits=5, decimal_places=2, default="21")
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    class Meta:
        verbose_name = _("tariff")
        verbose_name_plural = _("tariffs")
        ordering = ["service", "category", "-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["service", "category", "valid_from"], name="tariff_one_start_per_service"
            ),
            models.CheckConstraint(
                condition=Q(price__gte=0),
                name="tariff_price_not_negative",
                violation_error_message=_("The price cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="tariff_ends_after_start",
                violation_error_message=_("The tariff cannot end before it starts."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_service_display()} / {self.get_category_display()} {self.price}"


class ConsumptionNorm(models.Model):
    """The municipality's yearly per-person average [vartojimo norma], m³ per person per month:
    what a contract without a working meter is billed for each declared resident."""

    valid_from = models.DateField(_("valid from"), unique=True)
    m3_per_person_month = models.DecimalField(
        _("norm, m³ per person per month"), max_digits=6, decimal_places=3
    )

    class Meta:
        verbose_name = _("consumption norm")
        verbose_name_plural = _("consumption norms")
        ordering = ["-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(m3_per_person_month__gte=0),
                name="norm_not_negative",
                violation_error_message=_("The norm cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.valid_from}: {self.m3_per_person_month} m³"


def norm_on(day: dt.date) -> Decimal | None:
    """m³ per person per month in force on `day` (the latest start on or before it), or None."""
    return (
        ConsumptionNorm.objects.filter(valid_from__lte=day)
        .order_by("-valid_from")
        .values_list("m3_per_person_month", flat=True)
        .first()
    )


class BillingPeriod(models.Model):
    """A billing month: open for declarations until closed by staff."""

    class State(models.TextChoices):
        OPEN = "open", _("open")
        CLOSED = "closed", _("closed")

    month = models.DateField(_("month"), unique=True, help_text=_("First day of the month."))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.OPEN)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("billing period")
        verbose_name_plural = _("billing periods")
        ordering = ["-month"]
        constraints = [
            models.CheckConstraint(condition=Q(month__day=1), name="period_first_day"),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}"

    @property
    def is_closed(self) -> bool:
        return self.state == self.State.CLOSED


class InvoiceSequence(models.Model):
    """The last number used in a series; locked with select_for_update so numbers stay gapless."""

    series = models.CharField(max_length=10, unique=True)
    last_number = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.series} {self.last_number}"


class IssuedDocumentError(Exception):
    """An issued invoice or its lines were about to change or be deleted."""


# Written after issue: the lazily stored PDF, and the mark a credit note sets on its invoice.
WRITABLE_AFTER_ISSUE = frozenset({"pdf", "credited"})


class ImmutableQuerySet(models.QuerySet):
    """Bulk deletes and updates would bypass the model guards; only the lazily stored PDF may
    be written after issue."""

    updatable: frozenset[str] = frozenset()

    def delete(self) -> tuple[int, dict[str, int]]:
        raise IssuedDocumentError("issued invoices are never deleted; issue a credit note")

    def update(self, **kwargs: object) -> int:
        if not set(kwargs) <= self.updatable:
            raise IssuedDocumentError("issued invoices never change; issue a credit note")
        return super().update(**kwargs)


class InvoiceQuerySet(ImmutableQuerySet):
    updatable = WRITABLE_AFTER_ISSUE


class Seller(models.Model):
    """The utility's details as the documents issued while they held print them: copied at issue
    (Seller.of), one row per distinct set shared by every such document, never changed or
    deleted. The utility's row may change (a move, a new bank); an issued document may not."""

    digest = models.CharField(max_length=64, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=100)
    address = models.CharField(_("address"), max_length=250, blank=True)
    company_code = models.CharField(_("company code"), max_length=20, blank=True)
    vat_code = models.CharField(_("VAT code"), max_length=20, blank=True)
    iban = models.CharField(_("bank account (IBAN)"), max_length=34, blank=True)
    bank_name = models.CharField(_("bank"), max_length=100, blank=True)
    payee_code = models.CharField(_("payee code"), max_length=20, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)

    # What a document prints of the utility (the PDF's header and payment details, the e-mail's
    # and SMS's sender and account, the Peppol seller).
    COPIED = (
        "name",
        "short_name",
        "address",
        "company_code",
        "vat_code",
        "iban",
        "bank_name",
        "payee_code",
        "phone",
        "email",
    )

    objects = ImmutableQuerySet.as_manager()

    class Meta:
        verbose_name = _("seller's details at issue")
        verbose_name_plural = _("seller's details at issue")

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        if not self._state.adding:
            raise IssuedDocumentError("the seller's details at issue never change")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise IssuedDocumentError("the seller's details at issue are never deleted")

    @classmethod
    def of(cls, utility: Utility) -> "Seller":
        """The row holding `utility`'s details as they are now (created the first time): one
        query, whatever the number of documents being issued."""
        values = {name: getattr(utility, name) or "" for name in cls.COPIED}
        digest = hashlib.sha256(json.dumps(values, sort_keys=True).encode()).hexdigest()
        seller, _created = cls.objects.get_or_create(digest=digest, defaults=values)
        return seller


class Invoice(models.Model):
    """A payment notice [sąskaita / mokėjimo pranešimas], or a VAT invoice [PVM sąskaita faktūra]
    to a legal or taxable person (document_type_for). Never changed once issued."""

    class Kind(models.TextChoices):
        INVOICE = "invoice", _("invoice")
        CREDIT_NOTE = "credit_note", _("credit note")
        # What a contract owed when it was brought in from the utility's previous system
        # (mokesta.onboarding): summed by the ledger like an invoice, bears interest from its
        # due date, never sent, never in i.SAF or Peppol exports.
        OPENING = "opening", _("opening balance")

    class DocumentType(models.TextChoices):
        # A credit note has the type of the invoice it corrects (a credit VAT invoice
        # [kreditinė PVM sąskaita faktūra] for a VAT invoice).
        PAYMENT_NOTICE = "payment_notice", _("payment notice")
        VAT_INVOICE = "vat_invoice", _("VAT invoice")

    series = models.CharField(_("series"), max_length=10)
    sequence = models.PositiveIntegerField(_("sequence number"))
    number = models.CharField(_("number"), max_length=30, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.INVOICE)
    corrects = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
        verbose_name=_("corrects invoice"),
    )
    contract = models.ForeignKey(
        Contract, models.PROTECT, related_name="invoices", verbose_name=_("contract")
    )
    period = models.ForeignKey(
        BillingPeriod, models.PROTECT, related_name="invoices", verbose_name=_("period")
    )
    issue_date = models.DateField(_("issue date"))
    due_date = models.DateField(_("due date"))
    # Copied at issue: later changes to the utility, the customer or the contract never change
    # an issued invoice (the PDF, the page, the e-mail, i.SAF and Peppol read these, not them).
    seller = models.ForeignKey(
        Seller, models.PROTECT, related_name="+", verbose_name=_("seller's details at issue")
    )
    contract_number = models.CharField(_("contract number"), max_length=30)
    customer_name = models.CharField(_("customer name"), max_length=200)
    customer_address = models.CharField(_("customer address"), max_length=250)
    payer_code = models.CharField(_("payer code"), max_length=20)
    document_type = models.CharField(
        _("document type"),
        max_length=20,
        choices=DocumentType.choices,
        default=DocumentType.PAYMENT_NOTICE,
    )
    buyer_company_code = models.CharField(_("buyer's company code"), max_length=20, blank=True)
    buyer_vat_code = models.CharField(_("buyer's VAT code"), max_length=20, blank=True)
    service_address = models.CharField(_("service address"), max_length=250, blank=True)
    # A public body's references for its Peppol e-invoice (BT-10, BT-13), as they were at issue.
    buyer_reference = models.CharField(_("buyer reference"), max_length=100, blank=True)
    order_reference = models.CharField(_("order number"), max_length=100, blank=True)
    # Drinking water m³ this document bills (negative on a credit note): a contract's yearly
    # consumption is the sum over its documents of 12 months (mokesta.billing.water_info).
    water_m3 = models.DecimalField(
        _("drinking water, m³"), max_digits=12, decimal_places=3, default=Decimal(0)
    )
    # The Drinking Water Directive's figures on a household invoice (EU 2020/2184, Annex IV),
    # computed by the billing run (water_info): price with VAT per m³ (water + wastewater) and
    # per litre; the contract's m³ in the 12 months ending with this one and the 12 before; the
    # average household of its category. Empty: not a household, or not enough history.
    price_m3 = models.DecimalField(
        _("price per m³ with VAT"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    price_litre = models.DecimalField(
        _("price per litre with VAT"), max_digits=10, decimal_places=4, null=True, blank=True
    )
    year_m3 = models.DecimalField(
        _("m³ in the last 12 months"), max_digits=12, decimal_places=3, null=True, blank=True
    )
    year_before_m3 = models.DecimalField(
        _("m³ in the 12 months before"), max_digits=12, decimal_places=3, null=True, blank=True
    )
    household_average_m3 = models.DecimalField(
        _("average household, m³ in 12 months"),
        max_digits=12,
        decimal_places=3,
        null=True,
        blank=True,
    )
    net = models.DecimalField(_("amount without VAT"), **MONEY)
    vat = models.DecimalField(_("VAT"), **MONEY)
    total = models.DecimalField(_("total"), **MONEY)
    previous_balance = models.DecimalField(_("previous balance"), **MONEY, default=0)
    interest = models.DecimalField(_("late payment interest"), **MONEY, default=0)
    amount_due = models.DecimalField(_("amount due"), **MONEY)
    payment_code = models.CharField(_("payment code"), max_length=30)
    pdf = models.BinaryField(_("PDF"), null=True, blank=True, editable=False)
    reason = models.CharField(_("reason for the credit note"), max_length=500, blank=True)
    # Set once, by the credit note that reverses this invoice: the month can be billed again.
    credited = models.BooleanField(_("credited"), default=False, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = InvoiceQuerySet.as_manager()

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        ordering = ["-period__month", "-sequence"]
        constraints = [
            models.UniqueConstraint(fields=["series", "sequence"], name="invoice_series_sequence"),
            # A period is billed once per contract; a correction is a credit note, after which
            # the month is billed again with a new invoice.
            models.UniqueConstraint(
                fields=["contract", "period"],
                condition=Q(kind="invoice", credited=False),
                name="invoice_one_per_contract_period",
            ),
            # The re-billed invoice keeps the month's payment code: transfers with it still match.
            models.UniqueConstraint(
                fields=["payment_code"],
                condition=Q(credited=False),
                name="invoice_payment_code_unique",
            ),
            # A credit note reverses one invoice in full, once.
            models.UniqueConstraint(
                fields=["corrects"],
                condition=Q(kind="credit_note"),
                name="invoice_one_credit_note",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["invoice", "opening"], corrects__isnull=True)
                | Q(kind="credit_note", corrects__isnull=False),
                name="invoice_credit_note_corrects",
            ),
            # One opening balance per contract: an import never brings it in twice.
            models.UniqueConstraint(
                fields=["contract"], condition=Q(kind="opening"), name="invoice_one_opening"
            ),
            # A VAT invoice names a legal person (company code) or a taxable person (VAT code),
            # with or without a VAT code; a payment notice has no buyer VAT code.
            models.CheckConstraint(
                condition=Q(document_type="vat_invoice")
                & (~Q(buyer_company_code="") | ~Q(buyer_vat_code=""))
                | Q(document_type="payment_notice", buyer_vat_code=""),
                name="invoice_vat_invoice_names_the_buyer",
            ),
            # Interest is a line without VAT, so the total is what balance() adds up.
            models.CheckConstraint(
                condition=adds_up("total", "net", "vat", "interest"),
                name="invoice_total_adds_up",
            ),
            models.CheckConstraint(
                condition=adds_up("amount_due", "previous_balance", "total"),
                name="invoice_amount_due_adds_up",
            ),
        ]
        permissions = [
            ("run_billing", "Can close periods and run billing"),
            ("issue_credit_note", "Can issue credit notes"),
        ]
        indexes = [
            # The self-service lists a contract's invoices newest first.
            models.Index(fields=["contract", "-issue_date"], name="invoice_contract_date_idx"),
        ]

    def __str__(self) -> str:
        return self.number

    def save(self, *args: object, **kwargs: object) -> None:
        # Only the PDF, rendered after issue, and the credited mark may be stored later.
        update_fields = kwargs.get("update_fields")
        if not self._state.adding and not (
            update_fields and set(update_fields) <= WRITABLE_AFTER_ISSUE  # type: ignore[call-overload]
        ):
            raise IssuedDocumentError("issued invoices never change; issue a credit note")
        if self._state.adding and self.seller_id is None:
            self.copy_at_issue()
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def copy_at_issue(self) -> None:
        """Copy the seller's details, the contract number and a public body's references, as
        they are now. The billing run and credit notes copy them themselves (in bulk, or from
        the invoice corrected); this serves a document saved one at a time without them."""
        self.seller = Seller.of(Utility.fresh())
        customer = self.contract.customer
        self.contract_number = self.contract_number or self.contract.number
        self.buyer_reference = self.buyer_reference or customer.buyer_reference.strip()
        self.order_reference = self.order_reference or customer.order_reference.strip()

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise IssuedDocumentError("issued invoices are never deleted; issue a credit note")

    @property
    def month(self) -> dt.date:
        return self.period.month

    @property
    def is_credit_note(self) -> bool:
        return self.kind == self.Kind.CREDIT_NOTE

    @property
    def is_vat_invoice(self) -> bool:
        return self.document_type == self.DocumentType.VAT_INVOICE


def document_type_for(*, seller_vat_payer: bool, company_code: str, vat_code: str) -> str:
    """The document the law asks for: a VAT-registered supplier issues a VAT invoice [PVM
    sąskaita faktūra] for every supply to a legal person (a company code) or a taxable person (a
    VAT code) — PVMĮ 79 str., Directive 2006/112/EC art. 220 — with or without the buyer's VAT
    code; natural persons get the simpler payment notice [sąskaita]. A utility that is not a VAT
    payer issues no VAT invoices."""
    if seller_vat_payer and (company_code or vat_code):
        return Invoice.DocumentType.VAT_INVOICE
    return Invoice.DocumentType.PAYMENT_NOTICE


class InvoiceLine(models.Model):
    """A line of an issued invoice: prices are copied, so a later tariff changes nothing here."""

    invoice = models.ForeignKey(Invoice, models.CASCADE, related_name="lines")
    service = models.CharField(max_length=20, choices=Tariff.Service.choices, blank=True)
    description = models.CharField(_("description"), max_length=250)
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=3)
    unit = models.CharField(_("unit"), max_length=20)
    unit_price = models.DecimalField(_("unit price"), max_digits=10, decimal_places=4)
    net = models.DecimalField(_("amount without VAT"), **MONEY)
    vat_rate = models.DecimalField(_("VAT rate, %"), max_digits=5, decimal_places=2)
    vat = models.DecimalField(_("VAT"), **MONEY)
    total = models.DecimalField(_("total"), **MONEY)
    estimated = models.BooleanField(_("estimated"), default=False)

    objects = ImmutableQuerySet.as_manager()

    class Meta:
        verbose_name = _("invoice line")
        verbose_name_plural = _("invoice lines")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=adds_up("total", "net", "vat"), name="line_total_adds_up"
            ),
        ]

    def __str__(self) -> str:
        return self.description

    def save(self, *args: object, **kwargs: object) -> None:
        if not self._state.adding:
            raise IssuedDocumentError("issued invoice lines never change")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise IssuedDocumentError("issued invoice lines are never deleted")

    @property
    def is_interest(self) -> bool:
        """Late-payment interest: the one line without a service; not a supply, so outside VAT
        [PVM neapmokestinama], never a 0 % rate."""
        return not self.service


class BilledReading(models.Model):
    """A meter's readings as an issued invoice billed them (copied at issue): the page and the
    PDF print these, so a reading corrected later (573 → 537, after a credit note) never changes
    the invoice that billed 573."""

    invoice = models.ForeignKey(Invoice, models.CASCADE, related_name="readings")
    meter_serial = models.CharField(_("meter serial number"), max_length=50)
    previous = models.IntegerField(_("previous reading"))
    previous_estimated = models.BooleanField(_("previous reading estimated"), default=False)
    current = models.IntegerField(_("current reading"))
    current_estimated = models.BooleanField(_("current reading estimated"), default=False)

    objects = ImmutableQuerySet.as_manager()

    class Meta:
        verbose_name = _("billed reading")
        verbose_name_plural = _("billed readings")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.meter_serial}: {self.previous} → {self.current}"

    def save(self, *args: object, **kwargs: object) -> None:
        if not self._state.adding:
            raise IssuedDocumentError("an issued invoice's readings never change")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise IssuedDocumentError("an issued invoice's readings are never deleted")

    @property
    def used(self) -> int:
        return self.current - self.previous

    @property
    def estimated(self) -> bool:
        return self.current_estimated


class BillingRun(models.Model):
    """One start of the billing run for a period; the back office shows its progress."""

    class State(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    period = models.ForeignKey(
        BillingPeriod, models.CASCADE, related_name="runs", verbose_name=_("period")
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    contracts_total = models.PositiveIntegerField(_("contracts to bill"), default=0)
    contracts_done = models.PositiveIntegerField(_("contracts processed"), default=0)
    invoices_issued = models.PositiveIntegerField(_("invoices issued"), default=0)
    error = models.TextField(_("error"), blank=True)
    started_by = models.ForeignKey(
        "accounts.User",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("started by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("billing run")
        verbose_name_plural = _("billing runs")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.period} {self.get_state_display()}"

    @property
    def percent(self) -> int:
        if not self.contracts_total:
            return 100 if self.state == self.State.DONE else 0
        return self.contracts_done * 100 // self.contracts_total
