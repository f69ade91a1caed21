"""Declaring meter readings on the portal: the cost preview and the save itself. The rules a
declaration must pass and the warnings are metering's (mokesta.metering.declaration), shared with
the post office's file.

Readings of month M are declared during month M (Europe/Vilnius); a later declaration in the same
open period replaces the earlier one (one row per meter and month, a database constraint)."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from mokesta.accounts.models import User
from mokesta.billing.models import InvoiceLine, Tariff
from mokesta.billing.periods import ensure_month_open
from mokesta.billing.pricing import priced_line, tariffs_on
from mokesta.customers.models import Contract
from mokesta.customers.queries import user_contract
from mokesta.lib.dates import local_today, month_end, month_start
from mokesta.lib.money import ZERO
from mokesta.metering.declaration import HOUSEHOLD_CAP_M3 as HOUSEHOLD_CAP_M3
from mokesta.metering.declaration import WARN_FACTOR as WARN_FACTOR
from mokesta.metering.declaration import MeterState as MeterState
from mokesta.metering.declaration import active_meters as active_meters
from mokesta.metering.declaration import broken_meter_message as broken_meter_message
from mokesta.metering.declaration import entered_by_utility as entered_by_utility
from mokesta.metering.declaration import entered_by_utility_message as entered_by_utility_message
from mokesta.metering.declaration import meter_states as meter_states
from mokesta.metering.declaration import warnings_for as warnings_for
from mokesta.metering.models import Meter, Reading


class DeclarationRefused(Exception):
    def __init__(self, message: str, *, meter_id: int | None = None) -> None:
        super().__init__(message)
        self.meter_id = meter_id  # the meter the refusal is about, to show it next to its field


def contract_to_declare(user: User, pk: int) -> Contract:
    """The contract `pk` if `user` may declare its readings, else a 404: the one owner of that
    question for the portal's declaration page and the API's declare endpoint (the household
    roles: holders and „Deklaruoja")."""
    return user_contract(user, pk, action="declare")


def current_month() -> dt.date:
    return month_start(local_today())


def deadline(month: dt.date) -> dt.date:
    return month_end(month)


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
