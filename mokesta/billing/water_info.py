"""The Drinking Water Directive's information for households (EU 2020/2184, Annex IV): the price
per m³ and per litre, the household's yearly consumption and its trend, and a comparison with an
average household — on every household invoice and the dashboard.

The billing run computes the figures and writes them on the invoice (they are part of the issued
document; the page, the PDF and the dashboard read them from it):
- price: water supply + wastewater per m³ of the contract's category, each with its VAT, as the
  tariffs in force at the month's end price them; per litre = that / 1000, to 0.0001 €;
- the contract's consumption: drinking water m³ billed for the 12 months ending with the
  invoice's month (this invoice included; credit notes subtract what they reverse), shown when
  every one of them was billed; the 12 months before that (the trend), when every one of those
  was billed too — so the year needs 12 months of invoices, the trend 24;
- the average household: the mean, over contracts of the same category billed for each of the
  12 months before the invoice's month, of their billed drinking water m³ in those months; one
  query per run (household_averages), shown when at least MIN_HOUSEHOLDS contracts count.
A company's invoice carries none of it (the directive speaks of households).
"""

import datetime as dt
import functools
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, Sum

from mokesta.billing.models import Invoice, Tariff
from mokesta.billing.pricing import Tariffs
from mokesta.customers.models import Contract
from mokesta.lib.dates import add_months
from mokesta.lib.money import round_money

HOUSEHOLDS = (Contract.Category.APARTMENT, Contract.Category.HOUSE)
# Fewer contracts make no average worth showing, and could let a neighbour work one out.
MIN_HOUSEHOLDS = 10
LITRE = Decimal("0.001")  # m³
LITRE_PRICE = Decimal("0.0001")  # €: a litre costs fractions of a cent
YEAR = 12


@dataclass(frozen=True, slots=True)
class WaterInfo:
    price_m3: Decimal
    price_litre: Decimal
    year_m3: Decimal | None
    year_before_m3: Decimal | None
    household_average_m3: Decimal | None

    @property
    def change(self) -> Decimal | None:
        """The last 12 months against the 12 before, in whole % (None: no year before)."""
        return change_percent(self.year_m3, self.year_before_m3)


FIELDS = ("price_m3", "price_litre", "year_m3", "year_before_m3", "household_average_m3")


def kept_on(invoice: object) -> WaterInfo | None:
    """The figures an issued invoice (or a row with the same names) kept; None if it has none
    (a company's, a credit note, an invoice issued before they were kept)."""
    values = [getattr(invoice, name) for name in FIELDS]
    if values[0] is None or values[1] is None:
        return None
    return WaterInfo(*values)


def latest_for(contract_id: int) -> WaterInfo | None:
    """What the contract's latest household invoice says (the dashboard): one query."""
    values = (
        Invoice.objects.filter(
            contract_id=contract_id, kind=Invoice.Kind.INVOICE, price_m3__isnull=False
        )
        .order_by("-period__month", "-sequence")
        .values_list(*FIELDS)
        .first()
    )
    return WaterInfo(*values) if values else None


@dataclass(frozen=True, slots=True)
class BilledMonth:
    """What a document issued to the contract adds to its yearly consumption."""

    period: dt.date
    standing: bool  # an invoice no credit note cancelled: the month counts as billed
    water_m3: Decimal


def prices(tariffs: Tariffs, category: str) -> tuple[Decimal, Decimal]:
    """(per m³, per litre) with VAT: water supply and wastewater of `category`."""
    gross = sum(
        (
            tariff.price * (1 + tariff.vat_rate / 100)
            for tariff in (
                tariffs[(Tariff.Service.WATER, category)],
                tariffs[(Tariff.Service.WASTEWATER, category)],
            )
        ),
        Decimal(0),
    )
    per_litre = (gross * LITRE).quantize(LITRE_PRICE, rounding=ROUND_HALF_UP)
    return round_money(gross), per_litre


@functools.lru_cache(maxsize=64)  # the same spans for every contract of a run
def _months(month: dt.date, first: int, last: int) -> frozenset[dt.date]:
    return frozenset(add_months(month, offset) for offset in range(first, last + 1))


def yearly_consumption(
    history: Iterable[BilledMonth], *, month: dt.date, this_m3: Decimal
) -> tuple[Decimal | None, Decimal | None]:
    """(the 12 months ending with `month`, the 12 before them) in m³ for a contract whose
    invoice for `month` bills `this_m3`; None where a month of the span was not billed."""
    history = list(history)
    if not history:
        return None, None
    year, before = _months(month, -(YEAR - 1), -1), _months(month, -(2 * YEAR - 1), -YEAR)

    def total(months: frozenset[dt.date], start: Decimal) -> Decimal | None:
        billed = {row.period for row in history if row.standing and row.period in months}
        if billed != months:
            return None
        return sum((row.water_m3 for row in history if row.period in months), start)

    return total(year, this_m3), total(before, Decimal(0))


def household_averages(month: dt.date) -> dict[str, Decimal]:
    """{category: mean m³} over household contracts billed for each of the 12 months before
    `month`: one query (a row per such contract), once per billing run."""
    first, last = add_months(month, -YEAR), add_months(month, -1)
    rows = (
        Invoice.objects.filter(
            contract__category__in=HOUSEHOLDS, period__month__gte=first, period__month__lte=last
        )
        .values("contract_id", "contract__category")
        .annotate(
            m3=Sum("water_m3"),
            months=Count("period", distinct=True, filter=Q(kind="invoice", credited=False)),
        )
        .filter(months=YEAR)
        .values_list("contract__category", "m3")
        .order_by()
    )
    sums: dict[str, list[Decimal]] = {}
    for category, m3 in rows:
        sums.setdefault(category, []).append(m3)
    return {
        category: (sum(values, Decimal(0)) / len(values)).quantize(LITRE, rounding=ROUND_HALF_UP)
        for category, values in sums.items()
        if len(values) >= MIN_HOUSEHOLDS
    }


def household_prices(tariffs: Tariffs) -> dict[str, tuple[Decimal, Decimal]]:
    """prices() of each household category with tariffs: once per run, not per invoice."""
    return {
        category: prices(tariffs, category)
        for category in HOUSEHOLDS
        if (Tariff.Service.WATER, category) in tariffs
        and (Tariff.Service.WASTEWATER, category) in tariffs
    }


def water_info(
    *,
    category: str,
    price: dict[str, tuple[Decimal, Decimal]],
    history: Iterable[BilledMonth],
    month: dt.date,
    this_m3: Decimal,
    averages: dict[str, Decimal],
) -> WaterInfo | None:
    """The figures of one invoice (None for a company's); `price`: household_prices()."""
    if category not in price:
        return None
    per_m3, per_litre = price[category]
    year, year_before = yearly_consumption(history, month=month, this_m3=this_m3)
    return WaterInfo(
        price_m3=per_m3,
        price_litre=per_litre,
        year_m3=year,
        year_before_m3=year_before,
        household_average_m3=averages.get(category) if year is not None else None,
    )


def change_percent(now: Decimal | None, before: Decimal | None) -> Decimal | None:
    """How much `now` is above (+) or below (−) `before`, in whole %; None if it cannot say."""
    if now is None or not before:
        return None
    return ((now - before) * 100 / before).quantize(Decimal(1), rounding=ROUND_HALF_UP)
