import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from mokesta.customers.models import ServicePoint
from mokesta.lib.dates import month_end


def broken_in(broken_since: dt.date | None, month: dt.date) -> bool:
    """A meter broken (through no fault of the customer) on any day of `month` (its first day)
    is not read that month: the whole month is billed by the norm. It still counts for the fee."""
    return broken_since is not None and broken_since <= month_end(month)


def verification_due(kind: str, verified_on: dt.date) -> dt.date:
    """When a meter of `kind` verified on `verified_on` must be verified again."""
    years = Meter.VERIFICATION_YEARS[Meter.Kind(kind)]
    if verified_on.year + years > dt.date.max.year:  # a stored date at the calendar's end
        return dt.date.max
    try:
        return verified_on.replace(year=verified_on.year + years)
    except ValueError:  # 29 February
        return verified_on.replace(year=verified_on.year + years, day=28)


class MeterQuerySet(models.QuerySet["Meter"]):
    """The one rule of when a meter is in use: from the day it is installed to the day it is
    removed, both included. queries.ACTIVE_SQL is the same rule for plain queries."""

    def active_between(self, first: dt.date, last: dt.date) -> "MeterQuerySet":
        """Meters in use on at least one day of first..last."""
        return self.filter(installed_on__lte=last).filter(
            Q(removed_on__isnull=True) | Q(removed_on__gte=first)
        )

    def active_in(self, month: dt.date) -> "MeterQuerySet":
        """Meters in use on at least one day of `month` (its first day)."""
        return self.active_between(month, month_end(month))

    def active_on(self, day: dt.date) -> "MeterQuerySet":
        return self.active_between(day, day)


def meter_label(name: str | None, serial_number: str) -> str:
    """How a meter is named to a person: „Virtuvė (12345678)", or the serial alone."""
    return f"{name} ({serial_number})" if name else serial_number


class Meter(models.Model):
    """A water meter [skaitiklis] at a service point."""

    class Kind(models.TextChoices):
        APARTMENT = "apartment", _("apartment or house meter")
        INLET = "inlet", _("building-inlet meter")

    # Metrological verification interval, in years, by kind of meter.
    VERIFICATION_YEARS = {Kind.APARTMENT: 6, Kind.INLET: 2}

    service_point = models.ForeignKey(
        ServicePoint, models.CASCADE, related_name="meters", verbose_name=_("service point")
    )
    serial_number = models.CharField(_("serial number"), max_length=40, unique=True)
    # The customer's own name for it („Virtuvė", „Laistymas"), shown wherever the serial is.
    name = models.CharField(_("name"), max_length=40, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.APARTMENT)
    garden = models.BooleanField(
        _("garden watering"), default=False, help_text=_("Charged for water only, no wastewater.")
    )
    digits = models.PositiveSmallIntegerField(_("digits (whole m³)"), default=5)
    installed_on = models.DateField(_("installed on"))
    removed_on = models.DateField(_("removed on"), null=True, blank=True)
    # From the month of this day the meter is not read: its contract is billed by the norm
    # when all its meters are broken (see mokesta.billing.run).
    broken_since = models.DateField(
        _("broken since (through no fault of the customer)"), null=True, blank=True
    )
    initial_reading = models.PositiveIntegerField(_("initial reading, m³"), default=0)
    verified_on = models.DateField(_("last verified on"))

    objects = MeterQuerySet.as_manager()

    class Meta:
        verbose_name = _("meter")
        verbose_name_plural = _("meters")

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return meter_label(self.name, self.serial_number)

    @property
    def verification_due(self) -> dt.date:
        return verification_due(self.kind, self.verified_on)

    @property
    def max_value(self) -> int:
        return 10**self.digits - 1

    def is_broken_in(self, month: dt.date) -> bool:
        return broken_in(self.broken_since, month)


class Reading(models.Model):
    """A meter reading [rodmenys] for a month, in whole m³."""

    class Source(models.TextChoices):
        CUSTOMER = "customer", _("declared by customer")
        STAFF = "staff", _("entered by staff")
        REPLACEMENT = "replacement", _("meter replacement act")
        ESTIMATE = "estimate", _("estimate")

    meter = models.ForeignKey(Meter, models.CASCADE, related_name="readings")
    period = models.DateField(_("month"), help_text=_("First day of the month."))
    value = models.IntegerField(_("reading, m³"))
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("reading")
        verbose_name_plural = _("readings")
        ordering = ["meter", "period"]
        constraints = [
            # One reading per meter and month: a later declaration replaces the earlier one.
            models.UniqueConstraint(fields=["meter", "period"], name="reading_one_per_meter_month"),
            models.CheckConstraint(condition=Q(value__gte=0), name="reading_not_negative"),
            models.CheckConstraint(condition=Q(period__day=1), name="reading_period_first_day"),
        ]

    def __str__(self) -> str:
        return f"{self.meter} {self.period:%Y-%m}: {self.value}"


class AwayPeriod(models.Model):
    """„Išvykstu": the household is away from from..to (both included, at most AWAY_MAX_MONTHS
    months), for the whole contract or one service point, with each meter's reading on leaving.
    While away no reading reminders are sent and the billing run estimates 0 m³ (the monthly fee
    stays); the first actual reading after it settles the difference (mokesta.billing.run)."""

    contract = models.ForeignKey(
        "customers.Contract",
        models.CASCADE,
        related_name="away_periods",
        verbose_name=_("contract"),
    )
    # Empty: every service point of the contract.
    service_point = models.ForeignKey(
        ServicePoint,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="away_periods",
        verbose_name=_("service point"),
    )
    starts_on = models.DateField(_("away from"))
    ends_on = models.DateField(_("away until"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("declared by"),
    )
    created_at = models.DateTimeField(_("declared at"), auto_now_add=True)
    # Set when staff end the period early („Baigti"): ends_on is then moved to that day.
    ended_at = models.DateTimeField(_("ended by staff at"), null=True, blank=True)

    class Meta:
        verbose_name = _("away period")
        verbose_name_plural = _("away periods")
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="away_ends_after_start"
            ),
        ]
        indexes = [
            # The billing run and the reminders look up the periods of many contracts by dates.
            models.Index(fields=["contract", "ends_on"], name="away_contract_ends_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.contract} {self.starts_on:%Y-%m-%d}–{self.ends_on:%Y-%m-%d}"

    def covers(self, day: dt.date) -> bool:
        return self.starts_on <= day <= self.ends_on


class AwayReading(models.Model):
    """A meter's reading on leaving, declared with the away period."""

    away = models.ForeignKey(AwayPeriod, models.CASCADE, related_name="readings")
    meter = models.ForeignKey(Meter, models.CASCADE, related_name="+", verbose_name=_("meter"))
    value = models.PositiveIntegerField(_("reading on leaving, m³"))

    class Meta:
        verbose_name = _("reading on leaving")
        verbose_name_plural = _("readings on leaving")
        constraints = [
            models.UniqueConstraint(fields=["away", "meter"], name="away_reading_one_per_meter"),
        ]

    def __str__(self) -> str:
        return f"{self.meter}: {self.value}"
