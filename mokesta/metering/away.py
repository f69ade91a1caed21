"""„Išvykstu": a household away for a while (issue 22).

The rule (README: Away periods). While a meter's service point is away:
- no reading reminders (metering/reminders.py);
- the billing run does not estimate the month at the meter's average: a month without a reading
  whose last day falls in the away period is estimated at 0 m³ and its line says „(išvykę)"; the
  monthly fee stays (the tariff charges it per meter and month, used or not);
- the month of leaving, when nothing else was declared for it, is billed to the reading on
  leaving;
- the first actual reading after it is compared with the last billed one (the reading on
  leaving, carried by the 0 m³ estimates) and the difference is billed like a corrected
  estimate.
At most AWAY_MAX_MONTHS months; periods of one contract do not overlap."""

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from mokesta.accounts.models import User
from mokesta.customers.models import Contract
from mokesta.lib.audit import ADDITION, CHANGE, DELETION, audit
from mokesta.lib.dates import month_end
from mokesta.metering.models import AwayPeriod, AwayReading, Meter

AWAY_MAX_MONTHS = 12


def overlapping(contract_id: int, starts_on: dt.date, ends_on: dt.date) -> bool:
    return AwayPeriod.objects.filter(
        contract_id=contract_id, starts_on__lte=ends_on, ends_on__gte=starts_on
    ).exists()


def declare_away(
    *,
    user: User,
    contract: Contract,
    service_point_id: int | None,
    starts_on: dt.date,
    ends_on: dt.date,
    readings: dict[Meter, int],
) -> AwayPeriod:
    """Save an away period with the readings on leaving (checked by the form)."""
    with transaction.atomic():
        away = AwayPeriod.objects.create(
            contract=contract,
            service_point_id=service_point_id,
            starts_on=starts_on,
            ends_on=ends_on,
            created_by=user,
        )
        AwayReading.objects.bulk_create(
            AwayReading(away=away, meter=meter, value=value) for meter, value in readings.items()
        )
        audit(user, away, ADDITION, f"Away {starts_on}–{ends_on} declared.")
    return away


def end_away(*, staff: User, away: AwayPeriod, today: dt.date) -> None:
    """Staff end a period („Baigti"): it ends today; one not begun yet is deleted."""
    with transaction.atomic():
        if away.starts_on > today:
            audit(staff, away, DELETION, "Away period cancelled before it began.")
            away.delete()
            return
        if away.ends_on > today:
            away.ends_on, away.ended_at = today, timezone.now()
            away.save(update_fields=["ends_on", "ended_at"])
            audit(staff, away, CHANGE, f"Away period ended on {today}.")


def away_meters_on(day: dt.date) -> QuerySet[Meter]:
    """The meters whose service point is away on `day` (the reminders skip them)."""
    periods = AwayPeriod.objects.filter(starts_on__lte=day, ends_on__gte=day)
    whole = periods.filter(service_point__isnull=True).values("contract_id")
    points = periods.filter(service_point__isnull=False).values("service_point_id")
    return Meter.objects.filter(
        Q(service_point__contract_id__in=whole) | Q(service_point_id__in=points)
    )


@dataclass(frozen=True, slots=True)
class AwayRow:
    """An away period as the billing run reads it."""

    contract_id: int
    service_point_id: int | None
    starts_on: dt.date
    ends_on: dt.date
    leaving: dict[int, int]  # reading on leaving by meter id

    def applies_to(self, contract_id: int, service_point_id: int) -> bool:
        return self.contract_id == contract_id and self.service_point_id in (
            None,
            service_point_id,
        )

    def away_at_end_of(self, month: dt.date) -> bool:
        return self.starts_on <= month_end(month) <= self.ends_on

    def leaves_in(self, month: dt.date) -> bool:
        return month <= self.starts_on <= month_end(month)


def away_rows(contract_ids: list[int], month: dt.date) -> dict[int, list[AwayRow]]:
    """The away periods touching `month` of the contracts, by contract id: two queries."""
    periods = list(
        AwayPeriod.objects.filter(
            contract_id__in=contract_ids, starts_on__lte=month_end(month), ends_on__gte=month
        ).values_list("pk", "contract_id", "service_point_id", "starts_on", "ends_on")
    )
    leaving: dict[int, dict[int, int]] = {pk: {} for pk, *_ in periods}
    for away_id, meter_id, value in AwayReading.objects.filter(
        away_id__in=list(leaving)
    ).values_list("away_id", "meter_id", "value"):
        leaving[away_id][meter_id] = value
    found: dict[int, list[AwayRow]] = {}
    for pk, contract_id, point_id, starts_on, ends_on in periods:
        found.setdefault(contract_id, []).append(
            AwayRow(contract_id, point_id, starts_on, ends_on, leaving[pk])
        )
    return found
