import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField


class Customer(models.Model):
    """The payer [mokėtojas]: a resident or a company that holds contracts."""

    name = models.CharField(_("name"), max_length=200)
    payer_code = models.CharField(_("payer code"), max_length=20, unique=True)
    email = models.EmailField(_("contact e-mail"), blank=True)
    phone = PhoneNumberField(_("contact phone"), blank=True)
    address = models.CharField(_("address"), max_length=250)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        indexes = [
            # Linking by e-mail at confirmation looks customers up by lower-cased contact e-mail.
            models.Index(models.functions.Lower("email"), name="customer_email_ci_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.payer_code})"


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

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="contract_accesses"
    )
    contract = models.ForeignKey(Contract, models.CASCADE, related_name="accesses")
    via = models.CharField(max_length=10, choices=Via.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("contract access")
        verbose_name_plural = _("contract accesses")
        constraints = [
            models.UniqueConstraint(fields=["user", "contract"], name="contract_access_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.contract}"
