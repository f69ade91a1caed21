import datetime as dt
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from phonenumber_field.modelfields import PhoneNumberField

from mokesta.accounts.identity import email_key

VAT_CODE = re.compile(r"LT([0-9]{9}|[0-9]{12})")  # not \d: it matches other scripts' digits
COMPANY_CODE = re.compile(r"[0-9]{9}")


def validate_vat_code(value: str) -> None:
    """A Lithuanian VAT payer code [PVM mokėtojo kodas]: „LT" and 9 digits (legal persons) or 12
    (natural persons and some others), as VMI issues them."""
    if not VAT_CODE.fullmatch(value):
        raise ValidationError(
            _("A VAT code is LT followed by 9 or 12 digits, e.g. LT100001234567."),
            code="vat_code",
        )


def validate_company_code(value: str) -> None:
    """A Lithuanian legal person's code [juridinio asmens kodas]: 9 digits."""
    if not COMPANY_CODE.fullmatch(value):
        raise ValidationError(_("A company code is 9 digits, e.g. 302222222."), code="company_code")


class Customer(models.Model):
    """The payer [mokėtojas]: a resident or a company that holds contracts. A legal person (a
    company code) or a VAT-registered one (a VAT code) gets VAT invoices [PVM sąskaita faktūra]
    from a VAT-paying utility (mokesta.billing.models.document_type_for)."""

    name = models.CharField(_("name"), max_length=200)
    payer_code = models.CharField(_("payer code"), max_length=20, unique=True)
    email = models.EmailField(_("contact e-mail"), blank=True)
    # identity.email_key(email), set on save (bulk writes must set it too; empty links nobody):
    # linking by a confirmed e-mail compares it with = (customers/linking.py).
    email_key = models.TextField(_("e-mail identity"), blank=True, default="", editable=False)
    phone = PhoneNumberField(_("contact phone"), blank=True)
    address = models.CharField(_("address"), max_length=250)
    company_code = models.CharField(
        _("company code"), max_length=9, blank=True, validators=[validate_company_code]
    )
    vat_code = models.CharField(
        _("VAT code"),
        max_length=14,
        blank=True,
        validators=[validate_vat_code],
        help_text=_("Only for VAT-registered customers: their invoices are VAT invoices."),
    )
    invoice_address = models.CharField(
        _("address for invoices"),
        max_length=250,
        blank=True,
        help_text=_("A company's registered address, if it differs; empty: the address above."),
    )
    # Public bodies must be invoiced through the state system SABIS with Peppol BIS Billing 3.0
    # e-invoices (mokesta.billing.peppol); Peppol requires a buyer reference or an order number.
    sabis = models.BooleanField(
        _("public body (SABIS)"),
        default=False,
        help_text=_("Its invoices are also sent as e-invoices through SABIS."),
    )
    buyer_reference = models.CharField(
        _("buyer reference"),
        max_length=100,
        blank=True,
        help_text=_("The reference the public body gave for its invoices (Peppol BT-10)."),
    )
    order_reference = models.CharField(
        _("order number"),
        max_length=100,
        blank=True,
        help_text=_("The public body's order or contract number, if it gave one (Peppol BT-13)."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        indexes = [
            # Linking by e-mail at confirmation looks customers up by the e-mail's identity key.
            models.Index(fields=["email_key"], name="customer_email_key_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.payer_code})"

    def save(self, *args: object, **kwargs: object) -> None:
        self.email_key = email_key(self.email) if self.email else ""
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "email" in update_fields:  # type: ignore[operator]
            kwargs["update_fields"] = {*update_fields, "email_key"}  # type: ignore[misc]
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def clean(self) -> None:
        super().clean()
        if self.sabis:
            errors = {}
            # Peppol identifies both parties by their company codes (scheme 0200).
            if not self.company_code:
                errors["company_code"] = _("A public body (SABIS) needs its company code.")
            if not self.buyer_reference.strip() and not self.order_reference.strip():
                errors["buyer_reference"] = _(
                    "A public body (SABIS) needs a buyer reference or an order number: "
                    "Peppol e-invoices are refused without one."
                )
            if errors:
                raise ValidationError(errors)


class ContractQuerySet(models.QuerySet["Contract"]):
    def valid_on(self, day: dt.date) -> "ContractQuerySet":
        return self.filter(Q(end_date__isnull=True) | Q(end_date__gte=day), start_date__lte=day)


class Contract(models.Model):
    """A supply contract [sutartis]."""

    class Category(models.TextChoices):
        APARTMENT = "apartment", _("apartment")
        HOUSE = "house", _("house")
        COMPANY = "company", _("company")

    number = models.CharField(_("contract number"), max_length=30, unique=True)
    customer = models.ForeignKey(
        Customer, models.PROTECT, related_name="contracts", verbose_name=_("customer")
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    residents = models.PositiveSmallIntegerField(_("declared residents"), default=1)
    # Late-payment interest per day; 0.02 % for households by law, set per contract for companies.
    daily_interest_rate = models.DecimalField(
        _("late payment interest per day, %"), max_digits=6, decimal_places=4, default="0.0200"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ContractQuerySet.as_manager()

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="contract_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    def is_valid_on(self, day: dt.date) -> bool:
        return self.start_date <= day and (self.end_date is None or self.end_date >= day)


class ServicePoint(models.Model):
    """The place of supply [objektas]."""

    contract = models.ForeignKey(
        Contract, models.CASCADE, related_name="service_points", verbose_name=_("contract")
    )
    address = models.CharField(_("address"), max_length=250)

    class Meta:
        verbose_name = _("service point")
        verbose_name_plural = _("service points")

    def __str__(self) -> str:
        return self.address


class ContractAccess(models.Model):
    """Which users may see which contracts; the self-service shows contract data only through it."""

    class Via(models.TextChoices):
        EMAIL = "email", _("confirmed e-mail matches the customer's")
        CODE = "code", _("contract number and payer code")
        STAFF = "staff", _("added by staff")
        INVITATION = "invitation", _("invited by the contract's holder")

    class Role(models.TextChoices):
        """What the user may do with the contract; what each role may do is the query layer's
        rule (customers/queries.py: ALLOWED)."""

        HOLDER = "holder", pgettext_lazy("contract role", "Contract holder")
        VIEW = "view", pgettext_lazy("contract role", "View")
        DECLARE = "declare", pgettext_lazy("contract role", "Declares")
        PAY = "pay", pgettext_lazy("contract role", "Pays")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="contract_accesses"
    )
    contract = models.ForeignKey(Contract, models.CASCADE, related_name="accesses")
    via = models.CharField(max_length=10, choices=Via.choices)
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.HOLDER)
    # Who invited a member (empty for holders), shown to the holder in „Prieiga".
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("contract access")
        verbose_name_plural = _("contract accesses")
        constraints = [
            models.UniqueConstraint(fields=["user", "contract"], name="contract_access_unique"),
            models.CheckConstraint(
                condition=Q(role__in=["holder", "view", "declare", "pay"]),
                name="contract_access_role_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.contract}"


class Invitation(models.Model):
    """The holder's invitation of someone to a contract with a role („Pakviesti"). The link in
    the e-mail carries a random token; only its SHA-256 is stored, so the table (or a backup)
    gives no usable link. Single use, valid INVITATION_DAYS days, accepted only by an account
    whose confirmed address is the invited one (customers/household.py)."""

    contract = models.ForeignKey(
        Contract, models.CASCADE, related_name="invitations", verbose_name=_("contract")
    )
    email = models.EmailField(_("e-mail"))
    role = models.CharField(_("role"), max_length=10, choices=ContractAccess.Role.choices)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="sent_invitations",
        verbose_name=_("invited by"),
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("valid until"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("accepted by"),
    )
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(role__in=["view", "declare", "pay"]),
                name="invitation_role_is_a_member_role",
            ),
        ]
        indexes = [
            # „Prieiga" lists a contract's open invitations; the daily limit counts them.
            models.Index(fields=["contract", "created_at"], name="invitation_contract_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.contract}"


IBAN = re.compile(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}")


def validate_iban(value: str) -> None:
    """An IBAN written without spaces: country, check digits and account, mod 97 = 1 (ISO 13616);
    a Lithuanian one is 20 characters (LT and 18 digits)."""
    text = value.replace(" ", "").upper()
    length_ok = len(text) == 20 if text.startswith("LT") else True
    digits = (
        "".join(str(int(char, 36)) for char in text[4:] + text[:4]) if IBAN.fullmatch(text) else ""
    )
    if not (length_ok and digits and int(digits) % 97 == 1):
        raise ValidationError(
            _("Enter the account number as an IBAN, e.g. LT12 1000 0111 0100 1000."), code="iban"
        )


class EInvoiceSubscription(models.Model):
    """A contract's e-invoice [e. sąskaita] in the payer's internet bank, as the utility's bank
    reports an order or a cancellation. The banks publish no file format for that report, so a
    clerk enters it; a cancellation closes the row and a new order opens a new one."""

    contract = models.ForeignKey(
        Contract,
        models.CASCADE,
        related_name="einvoice_subscriptions",
        verbose_name=_("contract"),
    )
    bank = models.CharField(_("payer's bank"), max_length=100)
    payer_iban = models.CharField(
        _("payer's account (IBAN)"), max_length=34, blank=True, validators=[validate_iban]
    )
    since = models.DateField(_("ordered on"))
    automatic_payment = models.BooleanField(_("automatic payment"), default=False)
    cancelled_on = models.DateField(_("cancelled on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("e-invoice subscription")
        verbose_name_plural = _("e-invoice subscriptions")
        ordering = ["-since", "-pk"]
        constraints = [
            # A contract has one open order at a time; a new one follows a cancellation.
            models.UniqueConstraint(
                fields=["contract"],
                condition=Q(cancelled_on__isnull=True),
                name="einvoice_one_open_per_contract",
                violation_error_message=_(
                    "This contract already has an e-invoice order that is not cancelled."
                ),
            ),
            models.CheckConstraint(
                condition=Q(cancelled_on__isnull=True) | Q(cancelled_on__gte=models.F("since")),
                name="einvoice_cancelled_after_order",
                violation_error_message=_("The order cannot be cancelled before it was made."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contract} → {self.bank}"

    def save(self, *args: object, **kwargs: object) -> None:
        self.payer_iban = self.payer_iban.replace(" ", "").upper()
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def is_active_on(self, day: dt.date) -> bool:
        return self.since <= day and (self.cancelled_on is None or self.cancelled_on > day)


def active_einvoice_subscriptions(day: dt.date) -> models.QuerySet[EInvoiceSubscription]:
    """The orders in force on `day`: ordered by then and not cancelled by then."""
    return EInvoiceSubscription.objects.filter(since__lte=day).filter(
        Q(cancelled_on__isnull=True) | Q(cancelled_on__gt=day)
    )
