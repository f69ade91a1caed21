"""The customer pages' reads of contracts, service points, meters and readings: plain queries,
names from the models (lib/sql.py), access through customers.queries.linked_to_user.

Pages show a meter's history on every view; the ORM took several times longer to build these
queries (and model instances to fill) than the database to answer them. No decimal column: the
rows read the same from SQLite and PostgreSQL. test_queries.py checks each against the ORM."""

import datetime as dt
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import NamedTuple

from mokesta.accounts.models import User
from mokesta.customers.models import Contract, ContractAccess, Customer, ServicePoint
from mokesta.customers.queries import linked_to_user
from mokesta.lib.replica import read_connection
from mokesta.lib.sql import rows, sql
from mokesta.metering.models import AwayPeriod, Meter, Reading, meter_label, verification_due

TABLES = {
    "contract": Contract,
    "customer": Customer,
    "point": ServicePoint,
    "meter": Meter,
    "reading": Reading,
}

# MeterQuerySet.active_between() for a plain query with the meter table as `m`; its parameters:
# the last day, then the first day. test_history checks it selects what active_between() does.
ACTIVE_SQL = sql(
    "m.{meter.installed_on} <= %s AND (m.{meter.removed_on} IS NULL OR m.{meter.removed_on} >= %s)",
    **TABLES,
)


class ReadingRow(NamedTuple):
    period: dt.date
    value: int
    source: str


READINGS_SQL = sql(
    "SELECT {reading.meter}, {reading.period}, {reading.value}, {reading.source}"
    " FROM {reading} WHERE {reading.meter} IN ({{marks}}) AND {reading.period} <= %s"
    " ORDER BY {reading.meter}, {reading.period}",
    **TABLES,
)


def readings_by_meter(
    meter_ids: Collection[int], *, until: dt.date = dt.date.max
) -> dict[int, list[ReadingRow]]:
    """Each meter's readings up to the month `until`, oldest first (an empty list for a meter
    without any)."""
    found: dict[int, list[ReadingRow]] = defaultdict(list)
    if meter_ids:
        marks = ", ".join(["%s"] * len(meter_ids))
        with read_connection().cursor() as cursor:
            cursor.execute(READINGS_SQL.format(marks=marks), [*meter_ids, until])
            for meter_id, *reading in cursor.fetchall():
                found[meter_id].append(ReadingRow(*reading))
    return found


METERS_IN_USE_SQL = sql(
    "SELECT m.*, p.{point.address} AS point_address"
    " FROM {meter} m JOIN {point} p ON p.{point.pk} = m.{meter.service_point}"
    " WHERE p.{point.contract} = %s AND {active}"
    " ORDER BY m.{meter.service_point}, m.{meter.serial_number}",
    active=ACTIVE_SQL,
    **TABLES,
)


def meters_in_use(contract_id: int, first: dt.date, last: dt.date) -> list[Meter]:
    """The contract's meters in use on a day of first..last (MeterQuerySet.active_between), by
    service point and serial number, each with its service point."""
    meters = list(Meter.objects.raw(METERS_IN_USE_SQL, [contract_id, last, first]))
    # The service point from the same row: no query when the page shows its address.
    for meter in meters:
        address = meter.point_address  # type: ignore[attr-defined]  # a column of the query
        meter.service_point = ServicePoint(
            id=meter.service_point_id, contract_id=contract_id, address=address
        )
    return meters


# The contract page ------------------------------------------------------------------------------


class ContractRow(NamedTuple):
    pk: int
    number: str
    category: str
    start_date: dt.date
    end_date: dt.date | None
    customer_name: str
    payer_code: str
    role: str = ""  # the user's role on it (customers.queries.ALLOWED)

    def get_category_display(self) -> str:
        return str(dict(Contract.Category.choices).get(self.category, self.category))


class MeterRow(NamedTuple):
    pk: int
    serial_number: str
    garden: bool
    installed_on: dt.date
    kind: str
    verified_on: dt.date
    name: str
    removed_on: dt.date | None = None

    @property
    def label(self) -> str:
        return meter_label(self.name, self.serial_number)

    @property
    def verification_due(self) -> dt.date:
        return verification_due(self.kind, self.verified_on)


@dataclass
class PointRow:
    address: str
    meters: list[MeterRow] = field(default_factory=list)
    pk: int = 0


class _ContractPageRow(NamedTuple):
    pk: int
    number: str
    category: str
    start_date: dt.date
    end_date: dt.date | None
    customer_name: str
    payer_code: str
    point: int | None
    address: str | None
    meter: int | None
    serial_number: str | None
    garden: bool | None
    installed_on: dt.date | None
    kind: str | None
    verified_on: dt.date | None
    name: str | None
    removed_on: dt.date | None
    role: str


# The contract, if the user has access to it, with its customer, its service points and all
# their meters (removed ones too), a row per meter (one for a service point without any).
CONTRACT_PAGE_SQL = sql(
    """
    SELECT c.{contract.pk}, c.{contract.number}, c.{contract.category}, c.{contract.start_date},
           c.{contract.end_date}, cu.{customer.name}, cu.{customer.payer_code},
           p.{point.pk}, p.{point.address}, m.{meter.pk}, m.{meter.serial_number},
           m.{meter.garden}, m.{meter.installed_on}, m.{meter.kind}, m.{meter.verified_on},
           m.{meter.name}, m.{meter.removed_on}, access.{access.role}
    FROM {contract} c
    {linked}
    JOIN {customer} cu ON cu.{customer.pk} = c.{contract.customer}
    LEFT JOIN {point} p ON p.{point.contract} = c.{contract.pk}
    LEFT JOIN {meter} m ON m.{meter.service_point} = p.{point.pk}
    WHERE c.{contract.pk} = %s
    ORDER BY p.{point.pk}, m.{meter.serial_number}
    """,
    linked=linked_to_user("c"),
    access=ContractAccess,
    **TABLES,
)


def contract_page(user: User, pk: int) -> tuple[ContractRow, list[PointRow]] | None:
    """The contract `pk` with its service points and their meters (removed ones too), or None
    when it is not linked to `user`: one query."""
    found = rows(CONTRACT_PAGE_SQL, [user.pk, pk], _ContractPageRow)
    if not found:
        return None
    contract = ContractRow(*found[0][:7], role=found[0].role)
    points: dict[int, PointRow] = {}
    for row in found:
        if row.point is None:  # a contract without service points
            continue
        point = points.setdefault(row.point, PointRow(row.address or "", pk=row.point))
        if row.meter is not None:  # None: a service point without meters
            point.meters.append(MeterRow(*row[9:17]))  # type: ignore[arg-type]
    return contract, list(points.values())


# The dashboard ----------------------------------------------------------------------------------


class DashboardMeterRow(NamedTuple):
    contract: int
    number: str
    category: str
    point: int | None
    address: str | None
    meter: int | None
    serial_number: str | None
    kind: str | None
    verified_on: dt.date | None
    initial_reading: int | None
    installed_on: dt.date | None
    name: str | None
    role: str  # the user's role on the contract (customers.queries.ALLOWED)


# Each contract of a user with its service points and their current meters, a row per meter (one
# for a contract or service point without one).
DASHBOARD_METERS_SQL = sql(
    """
    SELECT c.{contract.pk}, c.{contract.number}, c.{contract.category}, p.{point.pk},
           p.{point.address}, m.{meter.pk}, m.{meter.serial_number}, m.{meter.kind},
           m.{meter.verified_on}, m.{meter.initial_reading}, m.{meter.installed_on},
           m.{meter.name}, access.{access.role}
    FROM {contract} c
    {linked}
    LEFT JOIN {point} p ON p.{point.contract} = c.{contract.pk}
    LEFT JOIN {meter} m ON m.{meter.service_point} = p.{point.pk} AND m.{meter.removed_on} IS NULL
    ORDER BY c.{contract.number}, p.{point.pk}, m.{meter.serial_number}
    """,
    linked=linked_to_user("c"),
    access=ContractAccess,
    **TABLES,
)


def dashboard_meters(user: User) -> list[DashboardMeterRow]:
    """Each of the user's contracts by number, a row per current meter of each of its service
    points (one row with None for a contract or a service point without any)."""
    return rows(DASHBOARD_METERS_SQL, [user.pk], DashboardMeterRow)


# The consumption page ---------------------------------------------------------------------------


class ConsumptionMeter(NamedTuple):
    pk: int
    serial_number: str
    initial_reading: int
    installed_on: dt.date
    removed_on: dt.date | None


class ConsumptionRow(NamedTuple):
    number: str
    meter: int | None
    serial_number: str | None
    initial_reading: int | None
    installed_on: dt.date | None
    removed_on: dt.date | None
    period: dt.date | None
    value: int | None
    source: str | None


# The contract left-joined to its meters and their readings, a row per reading.
CONSUMPTION_SQL = sql(
    """
    SELECT c.{contract.number}, m.{meter.pk}, m.{meter.serial_number}, m.{meter.initial_reading},
           m.{meter.installed_on}, m.{meter.removed_on}, r.{reading.period}, r.{reading.value},
           r.{reading.source}
    FROM {contract} c
    {linked}
    LEFT JOIN {point} p ON p.{point.contract} = c.{contract.pk}
    LEFT JOIN {meter} m ON m.{meter.service_point} = p.{point.pk}
    LEFT JOIN {reading} r ON r.{reading.meter} = m.{meter.pk}
    WHERE c.{contract.pk} = %s
    ORDER BY m.{meter.serial_number}, r.{reading.period}
    """,
    linked=linked_to_user("c"),
    **TABLES,
)


def consumption_rows(user: User, pk: int) -> list[ConsumptionRow]:
    """The contract `pk`'s meters and all their readings, by serial number and month; none when
    the contract is not linked to `user`."""
    return rows(CONSUMPTION_SQL, [user.pk, pk], ConsumptionRow)


# „Išvykstu" on the contract page -------------------------------------------------------------


class AwayRow(NamedTuple):
    starts_on: dt.date
    ends_on: dt.date
    address: str | None  # of its service point; None: the whole contract


AWAY_SQL = sql(
    """SELECT a.{away.starts_on}, a.{away.ends_on}, p.{point.address}
    FROM {away} a LEFT JOIN {point} p ON p.{point.pk} = a.{away.service_point}
    WHERE a.{away.contract} = %s AND a.{away.ends_on} >= %s
    ORDER BY a.{away.starts_on}, a.{away.pk}""",
    away=AwayPeriod,
    point=ServicePoint,
)


def away_periods(contract_id: int, today: dt.date) -> list[AwayRow]:
    """The contract's away periods not over by `today`, by start."""
    return rows(
        AWAY_SQL, [contract_id, read_connection().ops.adapt_datefield_value(today)], AwayRow
    )
