"""What the readings tell a customer before the invoice does: a possible leak, and when each
meter is due for its legal verification (with a reminder 60 days before)."""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence

from django.db.models import Q

from mokesta.accounts.notify import messages_for
from mokesta.customers.models import Contract, ContractAccess
from mokesta.lib.dates import add_months
from mokesta.metering.consumption import ReadingLike, average_monthly
from mokesta.metering.models import Meter, Reading
from mokesta.outbox.queue import queue

# Last month's use above this many times the meter's 12-month average: „Galimas vandens nuotėkis".
LEAK_FACTOR = 2
# Days before the verification due date when the reminder goes out.
VERIFICATION_NOTICE_DAYS = 60


def leak_suspected(
    readings: Sequence[ReadingLike], *, initial_value: int, installed_on: dt.date, month: dt.date
) -> bool:
    """Whether a meter's use in the month before `month` is above LEAK_FACTOR × its average of
    the 12 months before that. `readings`: the meter's readings before `month`, oldest first."""
    last_month = add_months(month, -1)
    if not readings or readings[-1].period != last_month:
        return False
    if readings[-1].source == Reading.Source.ESTIMATE:
        return False  # an estimate is the average itself
    previous = readings[-2].value if len(readings) > 1 else initial_value
    used = readings[-1].value - previous
    average = average_monthly(
        readings, initial_value=initial_value, installed_on=installed_on, month=last_month
    )
    return average > 0 and used > LEAK_FACTOR * average


def suspected_leaks(meters: Iterable[Meter], *, month: dt.date) -> set[int]:
    """Ids of the meters for which leak_suspected() holds (one query for all the meters)."""
    meters = list(meters)
    by_meter: dict[int, list[Reading]] = defaultdict(list)
    for reading in Reading.objects.filter(meter__in=meters, period__lt=month).order_by("period"):
        by_meter[reading.meter_id].append(reading)
    return {
        meter.pk
        for meter in meters
        if leak_suspected(
            by_meter[meter.pk],
            initial_value=meter.initial_reading,
            installed_on=meter.installed_on,
            month=month,
        )
    }


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def queue_verification_reminders(*, today: dt.date) -> list[int]:
    """Remind the opted-in users of a valid contract whose meter's verification falls due within
    VERIFICATION_NOTICE_DAYS (and not yet past): by e-mail when they chose e-mail, by SMS when
    they accept SMS. Once per meter, due date and user (the dedup key), so running it daily is
    safe. Returns the ids of the queued messages."""
    horizon = today + dt.timedelta(days=VERIFICATION_NOTICE_DAYS)
    shortest = min(Meter.VERIFICATION_YEARS.values())
    candidates = (
        Meter.objects.filter(verified_on__lte=_years_before(horizon, shortest))
        .filter(installed_on__lte=today)
        .filter(Q(removed_on__isnull=True) | Q(removed_on__gte=today))
        .filter(service_point__contract__in=Contract.objects.valid_on(today))
        .select_related("service_point")
    )
    due_meters = [m for m in candidates if today <= m.verification_due <= horizon]
    if not due_meters:
        return []
    by_contract: dict[int, list[Meter]] = defaultdict(list)
    for meter in due_meters:
        by_contract[meter.service_point.contract_id].append(meter)
    accesses = (
        ContractAccess.objects.filter(contract_id__in=by_contract, user__is_active=True)
        .filter(Q(user__invoices_by_email=True) | Q(user__sms_opt_in=True))
        .select_related("user", "contract")
        .order_by("user_id", "contract__number")
    )
    messages = []
    for access in accesses:
        user = access.user
        for meter in by_contract[access.contract_id]:
            messages += messages_for(
                user,
                email=user.invoices_by_email,
                key=f"verification:{meter.pk}:{meter.verification_due.isoformat()}",
                template="meter-verification",
                context={
                    "first_name": user.first_name,
                    "contract": access.contract.number,
                    "serial_number": meter.serial_number,
                    "address": meter.service_point.address,
                    "due_date": meter.verification_due.isoformat(),
                },
            )
    return queue(messages)
