"""The rules a meter reading declared by a customer must pass, whatever brought it (the portal's
declaration page, the post office's payment file): whole m³, not below the last actual reading,
within the meter's digits, never over a reading the utility entered; and the warnings that a
consumption is implausibly high (the portal asks the customer to confirm; a file, where nobody
can confirm, holds the reading for a clerk)."""

import datetime as dt
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from mokesta.customers.models import Contract
from mokesta.lib.dates import month_end
from mokesta.lib.money import round_money
from mokesta.metering.consumption import (
    ReadingLike,
    average_monthly,
    initial_reading_month,
    months_between,
)
from mokesta.metering.models import Meter, Reading
from mokesta.metering.queries import meters_in_use, readings_by_meter

WHOLE_NUMBER = re.compile(r"[+-]?[0-9]+")  # ASCII digits only: int() would take „١٢", „１２"
# More than this many times the meter's average monthly use asks the customer to confirm.
WARN_FACTOR = 3
# A household rarely uses more than this in a month; more asks to confirm (companies: no cap).
HOUSEHOLD_CAP_M3 = 30
CHUNK = 2000  # contracts or meters per IN (...) list


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


def active_meters(contract: Contract, month: dt.date) -> list[Meter]:
    return meters_in_use(contract.pk, month, month_end(month))


def meter_states(contract: Contract, month: dt.date) -> list[MeterState]:
    """Every active meter of the contract with its readings: two queries whatever the history."""
    meters = list(active_meters(contract, month))
    by_meter = readings_by_meter([meter.pk for meter in meters])
    return [state_of(meter, by_meter[meter.pk], month) for meter in meters]


def meter_states_by_contract(
    contract_ids: Collection[int], month: dt.date
) -> dict[int, list[MeterState]]:
    """meter_states() of many contracts at once (a file's payers): {contract id: its active
    meters' states, in the same order}; two queries per CHUNK contracts."""
    found: dict[int, list[MeterState]] = {pk: [] for pk in contract_ids}
    ids = sorted(found)
    for start in range(0, len(ids), CHUNK):
        meters = list(
            Meter.objects.active_in(month)
            .filter(service_point__contract_id__in=ids[start : start + CHUNK])
            .annotate(contract_id=F("service_point__contract_id"))
            .order_by("service_point_id", "serial_number")  # as meters_in_use() lists them
        )
        by_meter: dict[int, list] = {}
        meter_ids = [meter.pk for meter in meters]
        for first in range(0, len(meter_ids), CHUNK):
            by_meter.update(readings_by_meter(meter_ids[first : first + CHUNK]))
        for meter in meters:
            state = state_of(meter, by_meter.get(meter.pk, []), month)
            found[meter.contract_id].append(state)  # type: ignore[attr-defined]
    return found


def state_of(meter: Meter, readings: Sequence[ReadingLike], month: dt.date) -> MeterState:
    """What the rules need to know about `meter` for `month`, from its readings (oldest first)."""
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
    return MeterState(
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


def check_reading(raw: str, state: MeterState) -> int:
    """The declaration rules for one meter's reading typed as `raw`: the value in whole m³, or
    ValidationError with the reason (also used for the final readings of a move)."""
    if state.broken:  # not offered on the page: a stale or forged form
        raise ValidationError(broken_meter_message())
    if entered_by_utility(state.current):
        raise ValidationError(entered_by_utility_message())
    if not WHOLE_NUMBER.fullmatch(raw):
        raise ValidationError(
            _("Enter a whole number of cubic metres, without decimals or letters.")
        )
    value = int(raw)
    if value < 0:
        raise ValidationError(_("A reading cannot be negative."))
    if value > state.meter.max_value:
        raise ValidationError(
            _("This meter shows at most %(digits)s digits of whole m³.")
            % {"digits": state.meter.digits}
        )
    # Below an estimate is fine (it corrects the estimate), below an actual reading is not.
    if value < state.floor:
        raise ValidationError(
            _("The reading cannot be lower than the previous reading, %(previous)s m³.")
            % {"previous": state.floor}
        )
    return value
