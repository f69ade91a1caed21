"""The monthly billing run: close the period, then bill every contract valid in it.

Contracts are billed in chunks. Each chunk is one transaction that locks the invoice sequence
first, so two runs of the same period (a double click, two workers) take turns per chunk: the
second finds the first one's invoices and skips those contracts, and numbers stay gapless. Data
for a chunk is loaded in a handful of queries and written with bulk_create, so the run costs
little more than inserting its rows (see bench/billing.py).
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from mokesta.billing.delivery import queue_invoice_deliveries
from mokesta.billing.models import (
    BillingPeriod,
    BillingRun,
    Invoice,
    InvoiceLine,
    Tariff,
    norm_on,
    tariffs_on,
)
from mokesta.billing.numbering import Numbering, current_series, format_number, payment_code
from mokesta.billing.periods import close_period
from mokesta.customers.models import Contract, ServicePoint
from mokesta.lib.dates import add_months, local_today, month_end, month_start
from mokesta.lib.money import ZERO, round_m3, round_money
from mokesta.metering.consumption import average_monthly
from mokesta.metering.models import Meter, Reading
from mokesta.payments.models import Payment

CHUNK_SIZE = 2000
# Months of readings loaded per meter: the previous reading and the 12-month average need 13;
# older readings are fetched separately for the rare meter without any in this window.
READING_WINDOW = 13
ESTIMATE = Reading.Source.ESTIMATE
Service = Tariff.Service


class BillingError(Exception):
    """The run cannot start (e.g. a missing tariff); nothing was billed."""


@dataclass(slots=True)
class PastReading:
    period: dt.date
    value: int
    source: str


@dataclass
class Usage:
    """m³ per (service, estimated) of one contract, whether an estimate was corrected, and
    whether the m³ come from the per-person norm (no meter)."""

    quantities: dict[tuple[str, bool], int | Decimal] = field(default_factory=dict)
    corrected: set[str] = field(default_factory=set)
    by_norm: bool = False

    def add(self, service: str, estimated: bool, m3: int | Decimal) -> None:
        key = (service, estimated)
        self.quantities[key] = self.quantities.get(key, 0) + m3


def issue_date_for(month: dt.date) -> dt.date:
    """Today, but never later than the 10th of the next month (the notice's legal date)."""
    return min(local_today(), add_months(month, 1).replace(day=10))


def due_date_for(month: dt.date) -> dt.date:
    return month_end(add_months(month, 1))


def valid_in(period: BillingPeriod) -> QuerySet[Contract]:
    """Contracts valid on at least one day of the period."""
    return Contract.objects.filter(start_date__lte=month_end(period.month)).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=period.month)
    )


def contracts_to_bill(period: BillingPeriod) -> list[int]:
    """Ids of contracts valid in the period and not yet billed for it (an invoice reversed by a
    credit note does not count: the month is billed again)."""
    billed = Invoice.objects.filter(
        contract=OuterRef("pk"), period=period, kind=Invoice.Kind.INVOICE, credited=False
    )
    rows = valid_in(period).filter(~Exists(billed)).order_by("pk")
    return list(rows.values_list("pk", flat=True))


def check_tariffs(tariffs: dict[tuple[str, str], Tariff], period: BillingPeriod) -> None:
    categories = set(valid_in(period).values_list("category", flat=True).distinct())
    missing = sorted(
        f"{service}/{category}"
        for category in categories
        for service in Service.values
        if (service, category) not in tariffs
    )
    if missing:
        raise BillingError(_("No tariff in force for: %(list)s.") % {"list": ", ".join(missing)})


def bill_period(
    *,
    month: dt.date,
    run: BillingRun | None = None,
    chunk_size: int = CHUNK_SIZE,
    on_chunk: Callable[[int, int], None] | None = None,
) -> int:
    """Close `month` and issue an invoice to every valid contract not yet billed for it.
    Returns the number of invoices issued. Safe to run again and to run twice at once."""
    month = month_start(month)
    try:
        period = close_period(month=month)
        tariffs = tariffs_on(month_end(month))
        norm = norm_on(month)
        ids = contracts_to_bill(period)
        check_tariffs(tariffs, period)
        if run is not None:
            BillingRun.objects.filter(pk=run.pk).update(
                state=BillingRun.State.RUNNING, contracts_total=len(ids)
            )
        series = current_series()
        issued = 0
        for start in range(0, len(ids), chunk_size):
            chunk = ids[start : start + chunk_size]
            issued += bill_chunk(
                period=period, contract_ids=chunk, tariffs=tariffs, series=series, norm=norm
            )
            if run is not None:
                BillingRun.objects.filter(pk=run.pk).update(
                    contracts_done=start + len(chunk), invoices_issued=issued
                )
            if on_chunk is not None:
                on_chunk(start + len(chunk), issued)
    except Exception as error:
        if run is not None:
            BillingRun.objects.filter(pk=run.pk).update(
                state=BillingRun.State.FAILED, error=str(error), finished_at=timezone.now()
            )
        raise
    if run is not None:
        BillingRun.objects.filter(pk=run.pk).update(
            state=BillingRun.State.DONE, finished_at=timezone.now()
        )
    return issued


def bill_chunk(
    *,
    period: BillingPeriod,
    contract_ids: Sequence[int],
    tariffs: dict[tuple[str, str], Tariff],
    series: str,
    norm: Decimal | None = None,
) -> int:
    """Issue the invoices of one chunk of contracts in one transaction. A contract without a
    meter in the month, or whose meters are all broken in it, is billed `norm` m³ per declared
    resident (the fee only if None)."""
    month = period.month
    first, last = month, month_end(month)
    issue_date, due_date = issue_date_for(month), due_date_for(month)
    with transaction.atomic(), translation.override("lt"):
        numbering = Numbering(series)
        # Read after taking the lock: a concurrent run's committed invoices are visible now.
        billed = set(
            Invoice.objects.filter(
                period=period,
                kind=Invoice.Kind.INVOICE,
                credited=False,
                contract_id__in=contract_ids,
            ).values_list("contract_id", flat=True)
        )
        ids = [pk for pk in contract_ids if pk not in billed]
        if not ids:
            return 0
        contracts = Contract.objects.filter(pk__in=ids).order_by("pk")
        contract_rows = contracts.values_list(
            "pk",
            "category",
            "daily_interest_rate",
            "residents",
            "customer__name",
            "customer__address",
            "customer__payer_code",
            "customer__invoice_address",
            "customer__company_code",
            "customer__vat_code",
        )
        addresses: dict[int, list[str]] = defaultdict(list)
        for contract_id, address in (
            ServicePoint.objects.filter(contract_id__in=ids)
            .order_by("pk")
            .values_list("contract_id", "address")
        ):
            addresses[contract_id].append(address)

        meters = list(
            Meter.objects.filter(service_point__contract_id__in=ids, installed_on__lte=last)
            .filter(Q(removed_on__isnull=True) | Q(removed_on__gte=first))
            .order_by("pk")
            .values_list(
                "pk",
                "service_point__contract_id",
                "garden",
                "installed_on",
                "removed_on",
                "initial_reading",
                "broken_since",
            )
        )
        # A meter broken (through no fault of the customer) on any day of the month is not read
        # that month: no consumption, no estimate. It still counts for the monthly fee.
        working = {m[0] for m in meters if m[6] is None or m[6] > last}
        readings = load_readings(sorted(working), month)
        meters_of: dict[int, list[tuple]] = defaultdict(list)
        for meter in meters:
            meters_of[meter[1]].append(meter)

        # A month billed again after a credit note is dated today, whatever the month: its
        # previous balance must include the credit note and everything issued since.
        rebilled = set(
            Invoice.objects.filter(
                period=period, kind=Invoice.Kind.INVOICE, credited=True, contract_id__in=ids
            ).values_list("contract_id", flat=True)
        )
        today = local_today()
        rebill_dates = (today, max(due_date, due_date_for(month_start(today))))
        latest = today if rebilled else issue_date

        # The last field says whether the document was cancelled: a credited invoice and its
        # credit note still add up in the balance, but neither ever bears interest.
        history: dict[int, list[tuple[dt.date, Decimal, Decimal, dt.date, bool]]] = defaultdict(
            list
        )
        for contract_id, issued_on, due, total, interest, kind, credited in Invoice.objects.filter(
            contract_id__in=ids, issue_date__lte=latest
        ).values_list(
            "contract_id", "issue_date", "due_date", "total", "interest", "kind", "credited"
        ):
            cancelled = credited or kind == Invoice.Kind.CREDIT_NOTE
            history[contract_id].append((due, total, interest, issued_on, cancelled))
        paid: dict[int, list[tuple[dt.date, Decimal]]] = defaultdict(list)
        for contract_id, paid_on, amount in Payment.objects.filter(
            contract_id__in=ids, paid_on__lte=latest
        ).values_list("contract_id", "paid_on", "amount"):
            paid[contract_id].append((paid_on, amount))

        estimates: list[Reading] = []
        invoices: list[Invoice] = []
        lines_of: list[list[InvoiceLine]] = []
        for row in contract_rows:
            contract_id, category, rate, residents, name, address, payer_code = row[:7]
            invoice_address, company_code, vat_code = row[7:]
            issued_on, due_on = rebill_dates if contract_id in rebilled else (issue_date, due_date)
            past = history[contract_id]
            payments = paid[contract_id]
            if rebilled:
                past = [h for h in past if h[3] <= issued_on]
                payments = [p for p in payments if p[0] <= issued_on]
            usage = Usage()
            read = [m for m in meters_of[contract_id] if m[0] in working]
            for meter in read:
                meter_usage(meter, readings.get(meter[0], []), month, usage, estimates)
            if not read and norm is not None:  # no meter, or all of them broken
                norm_usage(usage, norm, residents)
            meters_at_end = sum(1 for m in meters_of[contract_id] if m[4] is None or m[4] >= last)
            lines = make_lines(usage, category, max(1, meters_at_end), tariffs)
            owing = [h[:4] for h in past if not h[4]]
            interest = late_interest(owing, payments, first=first, last=last, rate=rate)
            if interest:
                lines.append(
                    InvoiceLine(
                        description=_("Late payment interest"),
                        quantity=1,
                        unit="",
                        unit_price=interest,
                        net=interest,
                        vat_rate=ZERO,
                        vat=ZERO,
                        total=interest,
                    )
                )
            net = sum((line.net for line in lines if line.service), ZERO)
            vat = sum((line.vat for line in lines), ZERO)
            total = net + vat + interest
            previous = sum((h[1] for h in past), ZERO) - sum((p[1] for p in payments), ZERO)
            # A VAT-registered customer gets a VAT invoice, in its own series if there is one.
            document_type = (
                Invoice.DocumentType.VAT_INVOICE
                if vat_code
                else Invoice.DocumentType.PAYMENT_NOTICE
            )
            doc_series, number = numbering.next(document_type)
            invoices.append(
                Invoice(
                    series=doc_series,
                    sequence=number,
                    number=format_number(doc_series, number),
                    kind=Invoice.Kind.INVOICE,
                    contract_id=contract_id,
                    period=period,
                    issue_date=issued_on,
                    due_date=due_on,
                    customer_name=name,
                    customer_address=invoice_address or address,
                    payer_code=payer_code,
                    document_type=document_type,
                    buyer_company_code=company_code,
                    buyer_vat_code=vat_code,
                    service_address="; ".join(addresses[contract_id])[:250],
                    net=net,
                    vat=vat,
                    total=total,
                    previous_balance=previous,
                    interest=interest,
                    amount_due=previous + total,
                    payment_code=payment_code(month, contract_id),
                )
            )
            lines_of.append(lines)

        Reading.objects.bulk_create(estimates, batch_size=1000)
        Invoice.objects.bulk_create(invoices, batch_size=1000)
        all_lines = []
        for invoice, lines in zip(invoices, lines_of, strict=True):
            for line in lines:
                line.invoice_id = invoice.pk
                all_lines.append(line)
        InvoiceLine.objects.bulk_create(all_lines, batch_size=2000)
        numbering.save()
        queue_invoice_deliveries(invoices)
    return len(invoices)


def load_readings(meter_ids: list[int], month: dt.date) -> dict[int, list[PastReading]]:
    """Each meter's readings up to `month`, oldest first: the last READING_WINDOW months, plus
    the latest older one for a meter that has none in the window."""
    window_start = add_months(month, -READING_WINDOW)
    found: dict[int, list[PastReading]] = defaultdict(list)
    rows = (
        Reading.objects.filter(meter_id__in=meter_ids, period__gte=window_start, period__lte=month)
        .order_by("meter_id", "period")
        .values_list("meter_id", "period", "value", "source")
    )
    for meter_id, period, value, source in rows:
        found[meter_id].append(PastReading(period, value, source))
    without = [pk for pk in meter_ids if pk not in found]
    if without:
        older = (
            Reading.objects.filter(meter_id__in=without, period__lt=window_start)
            .order_by("meter_id", "-period")
            .values_list("meter_id", "period", "value", "source")
        )
        for meter_id, period, value, source in older:
            if meter_id not in found:
                found[meter_id].append(PastReading(period, value, source))
    return found


def meter_usage(
    meter: tuple,
    readings: list[PastReading],
    month: dt.date,
    usage: Usage,
    estimates: list[Reading],
) -> None:
    """Add one meter's m³ for `month` to `usage`; queue an estimate when it has no reading."""
    meter_id, _contract_id, garden, installed_on, removed_on, initial, _broken = meter
    before = [r for r in readings if r.period < month]
    current = next((r for r in readings if r.period == month), None)
    previous = before[-1] if before else None
    previous_value = previous.value if previous else initial
    if current is not None:
        used = current.value - previous_value
        estimated = current.source == ESTIMATE
        if not estimated and previous is not None and previous.source == ESTIMATE:
            # The actual reading settles the estimates: the difference (maybe negative) is
            # billed now.
            usage.corrected.add(Service.WATER)
            if not garden:
                usage.corrected.add(Service.WASTEWATER)
    elif removed_on is None or removed_on >= month_end(month):
        average = average_monthly(
            before, initial_value=initial, installed_on=installed_on, month=month
        )
        used = round_m3(average) if average is not None else 0
        estimated = True
        estimates.append(
            Reading(meter_id=meter_id, period=month, value=previous_value + used, source=ESTIMATE)
        )
    else:
        return  # removed this month without a final reading: nothing to bill on it
    usage.add(Service.WATER, estimated, used)
    if not garden:  # a garden-watering meter pays for water only
        usage.add(Service.WASTEWATER, estimated, used)


def norm_usage(usage: Usage, norm: Decimal, residents: int) -> None:
    """No working meter in the month: the per-person norm × the declared residents, for water and
    wastewater, kept to the litre (2.500 × 3 = 7.500 m³), not rounded to whole m³."""
    m3 = (norm * residents).quantize(Decimal("0.001"))
    usage.by_norm = True
    usage.add(Service.WATER, False, m3)
    usage.add(Service.WASTEWATER, False, m3)


def make_lines(
    usage: Usage, category: str, fee_count: int, tariffs: dict[tuple[str, str], Tariff]
) -> list[InvoiceLine]:
    labels = {
        Service.WATER: _("Drinking water supply"),
        Service.WASTEWATER: _("Wastewater collection and treatment"),
    }
    lines = []
    for service in (Service.WATER, Service.WASTEWATER):
        for estimated in (False, True):
            if (service, estimated) not in usage.quantities:
                continue
            description = labels[service]
            if estimated:
                description = _("%(service)s (estimated)") % {"service": description}
            elif usage.by_norm:
                description = _("%(service)s (by the norm)") % {"service": description}
            elif service in usage.corrected:
                description = _("%(service)s (incl. correction of the estimate)") % {
                    "service": description
                }
            lines.append(
                priced_line(
                    tariffs[(service, category)],
                    service,
                    description,
                    usage.quantities[(service, estimated)],
                    "m³",
                    estimated=estimated,
                )
            )
    lines.append(
        priced_line(
            tariffs[(Service.FEE, category)],
            Service.FEE,
            _("Monthly meter fee"),
            fee_count,
            _("meter-month"),  # the fee is per meter (at least one) and month
            estimated=False,
        )
    )
    return lines


def priced_line(
    tariff: Tariff,
    service: str,
    description: str,
    quantity: int | Decimal,
    unit: str,
    *,
    estimated: bool,
) -> InvoiceLine:
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


def late_interest(
    invoices: Iterable[tuple[dt.date, Decimal, Decimal, dt.date]],
    payments: Iterable[tuple[dt.date, Decimal]],
    *,
    first: dt.date,
    last: dt.date,
    rate: Decimal,
) -> Decimal:
    """Interest for the days first..last: each day, `rate` % of the amount overdue that day
    (invoices due before it, without their own interest, minus payments made by then).
    `invoices` leaves out credited invoices and credit notes: a credit note cancels its invoice
    from the start, so it is never overdue."""
    due = [(d, total - interest) for d, total, interest, _issued in invoices if d < last]
    if not due:
        return ZERO
    payments = list(payments)
    accrued = Decimal(0)
    day = first
    while day <= last:
        owed = sum((amount for d, amount in due if d < day), ZERO) - sum(
            (amount for paid_on, amount in payments if paid_on <= day), ZERO
        )
        if owed > 0:
            accrued += owed
        day += dt.timedelta(days=1)
    return round_money(accrued * rate / 100)
