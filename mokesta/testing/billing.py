"""Builders of the billing tests, shared with the other apps' tests: contracts with a service
point, meters with readings given as {"YYYY-MM": value}, apartment tariffs, and `at(day)` for
time_machine (the morning of a day in Vilnius)."""

import datetime as dt
import itertools
import zoneinfo
from decimal import Decimal

from mokesta.billing.models import Tariff
from mokesta.customers.models import Contract, Customer, ServicePoint
from mokesta.metering.models import Meter, Reading

VILNIUS = zoneinfo.ZoneInfo("Europe/Vilnius")
_serials = itertools.count(1)


def at(day: str) -> dt.datetime:
    """Morning of `day` in Vilnius, for time_machine."""
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(9), tzinfo=VILNIUS)


def make_tariffs(category: str = "apartment", valid_from: str = "2020-01-01") -> None:
    for service, price in (("water", "1.0200"), ("wastewater", "1.3400"), ("fee", "0.7800")):
        Tariff.objects.create(
            service=service,
            category=category,
            price=Decimal(price),
            vat_rate=Decimal("21"),
            valid_from=dt.date.fromisoformat(valid_from),
        )


def make_contract(
    number: str = "S-1", *, start: str = "2025-01-01", category: str = "apartment", **extra: object
) -> Contract:
    customer = Customer.objects.create(
        name=f"Mokėtojas {number}", payer_code=f"P{number}", address="Liepų g. 3, Velžys"
    )
    contract = Contract.objects.create(
        number=number,
        customer=customer,
        start_date=dt.date.fromisoformat(start),
        category=category,
        **extra,
    )
    ServicePoint.objects.create(contract=contract, address="Liepų g. 3-1, Velžys")
    return contract


def add_meter(
    contract: Contract,
    *,
    installed: str = "2025-01-01",
    initial: int = 100,
    garden: bool = False,
    readings: dict[str, int] | None = None,
    source: str = Reading.Source.CUSTOMER,
) -> Meter:
    day = dt.date.fromisoformat(installed)
    meter = Meter.objects.create(
        service_point=contract.service_points.get(),
        serial_number=f"SK{next(_serials):06d}",
        installed_on=day,
        verified_on=day,
        initial_reading=initial,
        garden=garden,
    )
    for month, value in (readings or {}).items():
        Reading.objects.create(
            meter=meter, period=dt.date.fromisoformat(f"{month}-01"), value=value, source=source
        )
    return meter
