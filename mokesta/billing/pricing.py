"""Line pricing: the tariffs in force on a day and the one way a line is priced. The billing run
and the declaration's cost preview both price here, so the preview is what the invoice will say.
"""

import datetime as dt
from decimal import Decimal

from django.db.models import Q

from mokesta.billing.models import InvoiceLine, Tariff
from mokesta.lib.money import round_money

Service = Tariff.Service
# {(service, contract category): tariff}
Tariffs = dict[tuple[str, str], Tariff]

# Every category billed needs these; the fee without a meter is optional (see fee_tariff).
REQUIRED_SERVICES = (Service.WATER, Service.WASTEWATER, Service.FEE)


def tariffs_on(day: dt.date) -> Tariffs:
    """{(service, category): tariff} in force on `day` (the latest start wins), in one query."""
    found: Tariffs = {}
    rows = Tariff.objects.filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=day), valid_from__lte=day
    )
    for tariff in rows.order_by("valid_from"):
        found[(tariff.service, tariff.category)] = tariff
    return found


def fee_tariff(tariffs: Tariffs, category: str, *, no_meter: bool) -> Tariff:
    """The monthly fee of a contract. Without any meter in the month (billed by the norm because
    no meter can be installed) the separate no-meter fee, when a price for it is in force;
    without one, the metered fee, as before that price existed."""
    if no_meter:
        tariff = tariffs.get((Service.FEE_NO_METER, category))
        if tariff is not None:
            return tariff
    return tariffs[(Service.FEE, category)]


def priced_line(
    tariff: Tariff,
    service: str,
    description: str,
    quantity: int | Decimal,
    unit: str,
    *,
    estimated: bool,
) -> InvoiceLine:
    """An unsaved invoice line: net = quantity × price, VAT = net × rate, each rounded half-up
    to cents; the line keeps the unit price it was issued with."""
    net = round_money(quantity * tariff.price)
    vat = round_money(net * tariff.vat_rate / 100)
    return InvoiceLine(
        service=service,
        description=description,
        quantity=quantity,
        unit=unit,
        unit_price=tariff.price,
        net=net,
        vat_rate=tariff.vat_rate,
        vat=vat,
        total=net + vat,
        estimated=estimated,
    )
