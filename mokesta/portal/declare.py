"""Declaring meter readings: the rules a customer's declaration must pass, the warnings that ask
for a confirmation, the cost preview and the save itself.

Readings of month M are declared during month M (Europe/Vilnius); a later declaration in the same
open period replaces the earlier one (one row per meter and month, a database constraint)."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from mokesta.accounts.models import User
from mokesta.billing.models import InvoiceLine, Tariff
from mokesta.billing.periods import ensure_month_open
from mokesta.billing.pricing import priced_line, tariffs_on
from mokesta.customers.models import Contract
from mokesta.lib.dates import local_today, month_end, month_start
from mokesta.lib.money import ZERO, round_money
from mokesta.metering.consumption import (
    ReadingLike,
    average_monthly,
    initial_reading_month,
    months_between,
)
from mokesta.metering.models import Meter, Reading
from mokesta.metering.queries import meters_in_use, readings_by_meter

# More than this many times the meter's average monthly use asks the customer to confirm.
WARN_FACTOR = 3
# A household rarely uses more than this in a month; more asks to confirm (companies: no cap).
HOUSEHOLD_CAP_M3 = 30


class DeclarationRefused(Exception):
    def __init__(self, message: str, *, meter_id: int | None = None) -> None:
        super().__init__(message)
        self.meter_id = meter_id  # the meter the refusal is about, to show it next to its field


def entered_by_utility(reading: ReadingLike | None) -> bool:
    """This month's reading was entered by the utility (staff, a meter replacement act; an
    estimate only exists for a closed month but counts the same): the customer cannot replace
    it, only ask the utility to correct it."""
    return reading is not None and reading.source != Reading.Source.CUSTOMER


def broken_meter_message() -> str:
    return _(
        "This meter is broken through no fault of yours: it is not read, this month is billed "
        "by the consumption norm."
    )


def entered_by_utility_message() -> str:
    return _(
        "This month's reading has already been entered by the utility; "
        "if it is wrong, please contact us."
    )


@dataclass
class MeterState:
    """What the declaration rules need to know about one meter, for one month."""

    meter: Meter
    previous: int  # the last reading before the month (maybe an estimate), or the initial one
    current: ReadingLike | None  # this month's reading already declared, if any
    average: Decimal  # m³ per month before the month (average_monthly: the billing run's rule)
    # The lowest value accepted: the last actual (non-estimate) reading, or the initial reading.
    # An actual reading may be lower than an estimate: that is how the estimate gets corrected.
    floor: int = 0
    # Months of use since `floor` was read.
    floor_months: int = 1
    previous_estimated: bool = False  # the previous reading is the billing run's estimate
    broken: bool = False  # broken in the month: not read, the month is billed by the norm


def current_month() -> dt.date:
    return month_start(local_today())


def deadline(month: dt.date) -> dt.date:
    return month_end(month)


def active_meters(contract: Contract, month: dt.date) -> list[Meter]:
    return meters_in_use(contract.pk, month, month_end(month))


def meter_states(contract: Contract, month: dt.date) -> list[MeterState]:
    """Every active meter of the contract with its readings: two queries whatever the history."""
    meters = list(active_meters(contract, month))
    by_meter = readings_by_meter([meter.pk for meter in meters])
    states = []
    for meter in meters:
        readings = by_meter[meter.pk]
        before = [r for r in readings if r.period < month]
        # Estimates are guesses made from the average: the rules and the average rest on what
        # was actually read.
        actual = [r for r in before if r.source != Reading.Source.ESTIMATE]
        if actual:
            floor, floor_month = actual[-1].value, actual[-1].period
        else:
            # The initial reading is the value at installation, i.e. before that month's use.
            floor = meter.initial_reading
            floor_month = initial_reading_month(meter.installed_on)
        states.append(
            MeterState(
                meter=meter,
                previous=before[-1].value if before else meter.initial_reading,
                current=next((r for r in readings if r.period == month), None),
                floor=floor,
                floor_months=max(1, months_between(floor_month, month)),
                previous_estimated=bool(before) and before[-1].source == Reading.Source.ESTIMATE,
                average=average_monthly(
                    before,
                    initial_value=meter.initial_reading,
                    installed_on=meter.installed_on,
                    month=month,
                ),
                broken=meter.is_broken_in(month),
            )
        )
    return states


def warnings_for(state: MeterState, value: int, category: str) -> list[str]:
    """Reasons to ask the customer to confirm an unusually high consumption (never a refusal).
    After estimated months, the use per month since the last actual reading is what counts."""
    used: Decimal | int = value - state.previous
    if state.previous_estimated:
        rate = Decimal(value - state.floor) / state.floor_months
        used = int(rate) if rate == int(rate) else round_money(rate)
    found = []
    if state.average > 0 and used > WARN_FACTOR * state.average:
        found.append(
            _(
                "%(used)s m³ is more than %(factor)s times this meter's average of "
                "%(average)s m³ a month. Please check the reading."
            )
            % {
                "used": number_format(used, decimal_pos=None if isinstance(used, int) else 2),
                "factor": WARN_FACTOR,
                # Lithuanian figures: "9,50", never "9.50" beside "749,00".
                "average": number_format(round_money(state.average), decimal_pos=2),
            }
        )
    if category != Contract.Category.COMPANY and used > HOUSEHOLD_CAP_M3:
        found.append(
            _("%(used)s m³ in a month is unusually much for a household. Please check the reading.")
            % {"used": number_format(used, decimal_pos=None if isinstance(used, int) else 2)}
        )
    return found


@dataclass
class Cost:
    lines: list[InvoiceLine]  # unsaved: priced exactly as the billing run prices them
    net: Decimal
    vat: Decimal
    total: Decimal


def estimate_cost(*, contract: Contract, used: list[tuple[Meter, int]], day: dt.date) -> Cost:
    """This month's charge at the prices in force on `day`: m³ × water and wastewater prices
    (garden meters: water only) + the monthly fee per meter, VAT on top."""
    tariffs = tariffs_on(day)
    quantities: dict[str, Decimal] = {}
    for meter, m3 in used:
        quantities[Tariff.Service.WATER] = quantities.get(Tariff.Service.WATER, ZERO) + m3
        if not meter.garden:
            wastewater = quantities.get(Tariff.Service.WASTEWATER, ZERO)
            quantities[Tariff.Service.WASTEWATER] = wastewater + m3
        quantities[Tariff.Service.FEE] = quantities.get(Tariff.Service.FEE, ZERO) + 1
    lines = []
    for service, quantity in quantities.items():
        tariff = tariffs.get((service, contract.category))
        if tariff is None:
            continue
        lines.append(
            priced_line(
                tariff,
                service,
                str(Tariff.Service(service).label),
                quantity,
                str(Tariff.UNITS[Tariff.Service(service)]),
                estimated=False,
            )
        )
    net = sum((line.net for line in lines), ZERO)
    vat = sum((line.vat for line in lines), ZERO)
    return Cost(lines=lines, net=net, vat=vat, total=net + vat)


def declare_readings(
    *, user: User, contract: Contract, month: dt.date, values: dict[int, int]
) -> list[Reading]:
    """Save the customer's readings {meter id: m³} for `month`, replacing an earlier declaration
    of the same month, but never a reading the utility entered. Concurrent identical submissions
    leave one row per meter (the unique constraint; get_or_create looks the row up again, locked,
    when its insert loses the race)."""
    if month != current_month():
        raise DeclarationRefused(_("The declaration period for this month has ended."))
    if not contract.is_valid_on(local_today()):
        raise DeclarationRefused(_("This contract has ended."))
    with transaction.atomic():
        # Locks the period row: a close cannot slip in before the readings are written.
        # Raises ValidationError (the period's own message) when the month is closed.
        ensure_month_open(month)
        meters = {m.pk: m for m in active_meters(contract, month)}
        unknown = set(values) - set(meters)
        if unknown:
            raise DeclarationRefused(_("A meter is not on this contract."))
        saved = []
        for meter_id, value in sorted(values.items()):
            if meters[meter_id].is_broken_in(month):
                raise DeclarationRefused(broken_meter_message(), meter_id=meter_id)
            # The existing row is locked, so a staff entry cannot change its source between
            # the check and the update.
            reading, created = Reading.objects.select_for_update().get_or_create(
                meter=meters[meter_id],
                period=month,
                defaults={"value": value, "source": Reading.Source.CUSTOMER, "created_by": user},
            )
            if not created:
                if entered_by_utility(reading):
                    raise DeclarationRefused(entered_by_utility_message(), meter_id=meter_id)
                reading.value, reading.created_by = value, user
                reading.save(update_fields=["value", "created_by", "updated_at"])
            saved.append(reading)
    return saved
