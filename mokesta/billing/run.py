"""The monthly billing run: close the period, then bill every contract valid in it.

Contracts are billed in chunks. Each chunk's invoices are computed first, without a lock; then
one transaction locks the invoice sequence, so two runs of the same period (a double click, two
workers) take turns per chunk only for the writing: the second finds the first one's invoices and
drops those contracts, and numbers stay gapless. Data
for a chunk is loaded in a handful of queries whatever its size (load_chunk), each contract's
invoice is computed from that plain data without the database (invoice_for), and the chunk is
written with bulk_create, so the run costs little more than inserting its rows (see
bench/billing.py).
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from mokesta.billing.delivery import queue_invoice_deliveries
from mokesta.billing.ledger import balance_of, bears_interest, late_interest
from mokesta.billing.models import (
    BilledReading,
    BillingPeriod,
    BillingRun,
    Invoice,
    InvoiceLine,
    Seller,
    Tariff,
    document_type_for,
    norm_on,
)
from mokesta.billing.numbering import Numbering, current_series, format_number, payment_code
from mokesta.billing.periods import close_period
from mokesta.billing.pricing import (
    REQUIRED_SERVICES,
    Tariffs,
    fee_tariff,
    priced_line,
    tariffs_on,
)
from mokesta.billing.water_info import (
    BilledMonth,
    household_averages,
    household_prices,
    water_info,
)
from mokesta.customers.models import Contract, ServicePoint
from mokesta.lib.dates import add_months, local_today, month_end, month_start
from mokesta.lib.money import ZERO, fits_money_column, round_m3
from mokesta.metering.away import AwayRow, away_rows
from mokesta.metering.consumption import average_monthly, average_window_start
from mokesta.metering.models import Meter, Reading, broken_in
from mokesta.payments.models import Payment
from mokesta.utility.models import Utility

CHUNK_SIZE = 2000
ESTIMATE = Reading.Source.ESTIMATE
Service = Tariff.Service


class BillingError(Exception):
    """The run cannot start (e.g. a missing tariff); nothing was billed."""


# --- Plain data of one contract, as load_chunk reads it ----------------------------------------


@dataclass(frozen=True, slots=True)
class PastReading:
    period: dt.date
    value: int
    source: str


@dataclass(slots=True)
class MeterRow:
    """A meter in use on at least one day of the billed month."""

    id: int
    contract_id: int
    garden: bool
    installed_on: dt.date
    removed_on: dt.date | None
    initial_reading: int
    broken_since: dt.date | None
    # Oldest first: the months M−13..M and, when those hold fewer than two actual readings,
    # the latest ones before (see load_readings).
    readings: list[PastReading] = field(default_factory=list)
    serial_number: str = ""
    service_point_id: int = 0
    # „Išvykstu": the away periods of its service point touching the month (metering/away.py).
    away: list[AwayRow] = field(default_factory=list)

    def in_use_at(self, day: dt.date) -> bool:
        return self.removed_on is None or self.removed_on >= day


@dataclass(frozen=True, slots=True)
class ContractRow:
    id: int
    category: str
    daily_interest_rate: Decimal
    residents: int
    customer_name: str
    customer_address: str
    payer_code: str
    invoice_address: str = ""  # a company's registered address, when it differs
    company_code: str = ""
    vat_code: str = ""  # a VAT-registered customer (a company code alone also means VAT invoice)
    number: str = ""
    buyer_reference: str = ""  # a public body's, for its Peppol e-invoice
    order_reference: str = ""


@dataclass(frozen=True, slots=True)
class PastInvoice:
    """An invoice or credit note already issued to the contract (total < 0 for a credit note)."""

    issue_date: dt.date
    due_date: dt.date
    total: Decimal
    interest: Decimal
    # A credited invoice and its credit note still add up in the balance, but neither ever
    # bears interest: the credit note cancels the invoice from the start.
    cancelled: bool
    period: dt.date | None = None
    water_m3: Decimal = Decimal(0)


@dataclass(frozen=True, slots=True)
class PastPayment:
    paid_on: dt.date
    amount: Decimal


@dataclass
class Usage:
    """m³ per (service, estimated) of one contract, whether an estimate was corrected, and
    whether the m³ come from the per-person norm (no working meter). An away month's 0 m³
    estimate is kept apart (`away`), on a line of its own marked „(išvykę)"."""

    quantities: dict[tuple[str, bool], int | Decimal] = field(default_factory=dict)
    away: dict[str, int] = field(default_factory=dict)
    corrected: set[str] = field(default_factory=set)
    by_norm: bool = False
    # The readings billed, per meter (serial, previous, estimated, current, estimated): the
    # invoice keeps them (BilledReading).
    readings: list[tuple[str, int, bool, int, bool]] = field(default_factory=list)

    def add(self, service: str, estimated: bool, m3: int | Decimal) -> None:
        key = (service, estimated)
        self.quantities[key] = self.quantities.get(key, 0) + m3


@dataclass
class InvoiceFigures:
    """What invoice_for computes for one contract: unsaved lines and estimate readings, and the
    invoice's amounts."""

    lines: list[InvoiceLine]
    estimates: list[Reading]
    readings: list[BilledReading]
    net: Decimal
    vat: Decimal
    interest: Decimal
    total: Decimal
    previous_balance: Decimal
    amount_due: Decimal


# --- The run --------------------------------------------------------------------------------


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


def check_tariffs(tariffs: Tariffs, period: BillingPeriod) -> None:
    categories = set(valid_in(period).values_list("category", flat=True).distinct())
    missing = sorted(
        f"{service}/{category}"
        for category in categories
        for service in REQUIRED_SERVICES
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
        averages = household_averages(month)
        if run is not None:
            BillingRun.objects.filter(pk=run.pk).update(
                state=BillingRun.State.RUNNING, contracts_total=len(ids)
            )
        series = current_series()
        issued = 0
        for start in range(0, len(ids), chunk_size):
            chunk = ids[start : start + chunk_size]
            issued += bill_chunk(
                period=period,
                contract_ids=chunk,
                tariffs=tariffs,
                series=series,
                norm=norm,
                averages=averages,
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


@dataclass
class Preview:
    """What billing a period would issue now, computed by the run's own rules without writing:
    the contracts to bill, those of them with a meter without a reading for the month (to be
    estimated), and the expected net, VAT and total of their invoices."""

    contracts: int = 0
    estimated: list[int] = field(default_factory=list)  # contract ids, oldest first
    net: Decimal = ZERO
    vat: Decimal = ZERO
    total: Decimal = ZERO


def preview_period(*, period: BillingPeriod, chunk_size: int = CHUNK_SIZE) -> Preview:
    """bill_period() of `period` as a dry run: nothing is closed, numbered or stored. Raises
    BillingError as the run would (e.g. a missing tariff)."""
    month = period.month
    tariffs = tariffs_on(month_end(month))
    check_tariffs(tariffs, period)
    norm = norm_on(month)
    ids = contracts_to_bill(period)
    rebilled = set(
        Invoice.objects.filter(
            period=period, kind=Invoice.Kind.INVOICE, credited=True, contract_id__in=ids
        ).values_list("contract_id", flat=True)
    )
    issue_date, today = issue_date_for(month), local_today()
    preview = Preview(contracts=len(ids))
    for start in range(0, len(ids), chunk_size):
        chunk_ids = ids[start : start + chunk_size]
        chunk = load_chunk(chunk_ids, month, latest=max(today, issue_date))
        for contract in chunk.contracts:
            figures = invoice_for(
                contract=contract,
                meters=chunk.meters[contract.id],
                invoices=chunk.invoices[contract.id],
                payments=chunk.payments[contract.id],
                month=month,
                issue_date=today if contract.id in rebilled else issue_date,
                tariffs=tariffs,
                norm=norm,
            )
            if figures.estimates:
                preview.estimated.append(contract.id)
            preview.net += figures.net
            preview.vat += figures.vat
            preview.total += figures.total
    return preview


def bill_chunk(
    *,
    period: BillingPeriod,
    contract_ids: Sequence[int],
    tariffs: Tariffs,
    series: str,
    norm: Decimal | None = None,
    averages: dict[str, Decimal] | None = None,
) -> int:
    """Issue the invoices of one chunk of contracts. A contract without a working meter in the
    month is billed `norm` m³ per declared resident (the fee only if None). `averages`:
    household_averages(month), computed once per run.

    The invoices are computed first, without a lock, so that two workers compute their chunks at
    the same time; then one transaction takes the sequence lock, drops the contracts another run
    billed meanwhile, numbers the rest and writes each invoice with everything it prints (the
    seller's details, the buyer's, the readings it billed, the Drinking Water Directive's
    figures)."""
    month = period.month
    if averages is None:
        averages = household_averages(month)
    with translation.override("lt"):
        drafts = draft_chunk(period, unbilled(period, contract_ids), tariffs, norm, averages)
    if not drafts:
        return 0
    with transaction.atomic():
        numbering = Numbering(series)
        # Read after taking the lock: a concurrent run's committed invoices are visible now.
        still = set(unbilled(period, [draft.invoice.contract_id for draft in drafts]))
        drafts = [draft for draft in drafts if draft.invoice.contract_id in still]
        for draft in drafts:
            draft.invoice.series, draft.invoice.sequence = numbering.next(
                draft.invoice.document_type
            )
            draft.invoice.number = format_number(draft.invoice.series, draft.invoice.sequence)
        write_drafts(drafts)
        numbering.save()
        queue_invoice_deliveries([draft.invoice for draft in drafts])
    return len(drafts)


def unbilled(period: BillingPeriod, contract_ids: Sequence[int]) -> list[int]:
    """Of these contracts, the ones not yet billed in the period (an invoice not credited)."""
    billed = set(
        Invoice.objects.filter(
            period=period, kind=Invoice.Kind.INVOICE, credited=False, contract_id__in=contract_ids
        ).values_list("contract_id", flat=True)
    )
    return [pk for pk in contract_ids if pk not in billed]


@dataclass
class Draft:
    """A contract's invoice of the run, computed but not yet numbered or saved."""

    invoice: Invoice
    lines: list[InvoiceLine]
    readings: list[BilledReading]
    estimates: list[Reading]


def draft_chunk(
    period: BillingPeriod,
    ids: list[int],
    tariffs: Tariffs,
    norm: Decimal | None,
    averages: dict[str, Decimal],
) -> list[Draft]:
    """The invoices of these contracts, computed from a handful of reads (load_chunk)."""
    if not ids:
        return []
    month = period.month
    issue_date, due_date = issue_date_for(month), due_date_for(month)
    utility = Utility.fresh()
    seller_vat_payer = bool(utility.vat_code)
    seller = Seller.of(utility)
    # A month billed again after a credit note is dated today, whatever the month: its
    # previous balance must include the credit note and everything issued since.
    rebilled = set(
        Invoice.objects.filter(
            period=period, kind=Invoice.Kind.INVOICE, credited=True, contract_id__in=ids
        ).values_list("contract_id", flat=True)
    )
    today = local_today()
    rebill_dates = (today, max(due_date, due_date_for(month_start(today))))
    chunk = load_chunk(ids, month, latest=today if rebilled else issue_date)
    price = household_prices(tariffs)
    drafts = []
    for contract in chunk.contracts:
        issued_on, due_on = rebill_dates if contract.id in rebilled else (issue_date, due_date)
        figures = invoice_for(
            contract=contract,
            meters=chunk.meters[contract.id],
            invoices=chunk.invoices[contract.id],
            payments=chunk.payments[contract.id],
            month=month,
            issue_date=issued_on,
            tariffs=tariffs,
            norm=norm,
        )
        # A legal or taxable person gets a VAT invoice, in its own series if there is one.
        document_type = document_type_for(
            seller_vat_payer=seller_vat_payer,
            company_code=contract.company_code,
            vat_code=contract.vat_code,
        )
        vat_invoice = document_type == Invoice.DocumentType.VAT_INVOICE
        water_m3 = sum(
            (line.quantity for line in figures.lines if line.service == Service.WATER),
            Decimal(0),
        )
        info = water_info(
            category=contract.category,
            price=price,
            history=(
                BilledMonth(i.period, not i.cancelled, i.water_m3)
                for i in chunk.invoices[contract.id]
                if i.period is not None
            ),
            month=month,
            this_m3=water_m3,
            averages=averages,
        )
        invoice = Invoice(
            kind=Invoice.Kind.INVOICE,
            contract_id=contract.id,
            period=period,
            issue_date=issued_on,
            due_date=due_on,
            seller=seller,
            contract_number=contract.number,
            buyer_reference=contract.buyer_reference.strip(),
            order_reference=contract.order_reference.strip(),
            customer_name=contract.customer_name,
            customer_address=contract.invoice_address or contract.customer_address,
            payer_code=contract.payer_code,
            document_type=document_type,
            buyer_company_code=contract.company_code,
            buyer_vat_code=contract.vat_code if vat_invoice else "",
            service_address="; ".join(chunk.addresses[contract.id])[:250],
            net=figures.net,
            vat=figures.vat,
            total=figures.total,
            previous_balance=figures.previous_balance,
            interest=figures.interest,
            amount_due=figures.amount_due,
            payment_code=payment_code(month, contract.id),
            water_m3=water_m3,
            price_m3=info.price_m3 if info else None,
            price_litre=info.price_litre if info else None,
            year_m3=info.year_m3 if info else None,
            year_before_m3=info.year_before_m3 if info else None,
            household_average_m3=info.household_average_m3 if info else None,
        )
        drafts.append(Draft(invoice, figures.lines, figures.readings, figures.estimates))
    return drafts


def write_drafts(drafts: list[Draft]) -> None:
    """Save numbered drafts with their lines, billed readings and estimated readings."""
    Reading.objects.bulk_create([r for d in drafts for r in d.estimates], batch_size=1000)
    Invoice.objects.bulk_create([d.invoice for d in drafts], batch_size=1000)
    for draft in drafts:
        for line in draft.lines:
            line.invoice_id = draft.invoice.pk
        for reading in draft.readings:
            reading.invoice_id = draft.invoice.pk
    InvoiceLine.objects.bulk_create([x for d in drafts for x in d.lines], batch_size=2000)
    BilledReading.objects.bulk_create([x for d in drafts for x in d.readings], batch_size=2000)


# --- Loading a chunk: a fixed number of queries whatever its size ------------------------------


@dataclass
class Chunk:
    contracts: list[ContractRow]
    addresses: dict[int, list[str]]
    meters: dict[int, list[MeterRow]]  # by contract id
    invoices: dict[int, list[PastInvoice]]  # by contract id
    payments: dict[int, list[PastPayment]]  # by contract id


def load_chunk(ids: Sequence[int], month: dt.date, *, latest: dt.date) -> Chunk:
    """Everything invoice_for needs for the contracts `ids`: their details, service addresses,
    meters in use in `month` with their readings, and the invoices and payments up to `latest`
    (the latest issue date in the chunk)."""
    contracts = [
        ContractRow(*row)
        for row in Contract.objects.filter(pk__in=ids)
        .order_by("pk")
        .values_list(
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
            "number",
            "customer__buyer_reference",
            "customer__order_reference",
        )
    ]
    addresses: dict[int, list[str]] = defaultdict(list)
    for contract_id, address in (
        ServicePoint.objects.filter(contract_id__in=ids)
        .order_by("pk")
        .values_list("contract_id", "address")
    ):
        addresses[contract_id].append(address)

    meters = [
        MeterRow(*row[:-2], serial_number=row[-2], service_point_id=row[-1])
        for row in Meter.objects.filter(service_point__contract_id__in=ids)
        .active_in(month)
        .order_by("pk")
        .values_list(
            "pk",
            "service_point__contract_id",
            "garden",
            "installed_on",
            "removed_on",
            "initial_reading",
            "broken_since",
            "serial_number",
            "service_point_id",
        )
    ]
    away = away_rows(list(ids), month)
    # A broken meter is not read: no readings needed (it still counts for the fee).
    working = sorted(m.id for m in meters if not broken_in(m.broken_since, month))
    readings = load_readings(working, month)
    meters_of: dict[int, list[MeterRow]] = defaultdict(list)
    for meter in meters:
        meter.readings = readings.get(meter.id, [])
        meter.away = [
            row
            for row in away.get(meter.contract_id, ())
            if row.applies_to(meter.contract_id, meter.service_point_id)
        ]
        meters_of[meter.contract_id].append(meter)

    invoices: dict[int, list[PastInvoice]] = defaultdict(list)
    for (
        contract_id,
        issued_on,
        due,
        total,
        interest,
        kind,
        credited,
        period,
        water_m3,
    ) in Invoice.objects.filter(contract_id__in=ids, issue_date__lte=latest).values_list(
        "contract_id",
        "issue_date",
        "due_date",
        "total",
        "interest",
        "kind",
        "credited",
        "period__month",
        "water_m3",
    ):
        cancelled = not bears_interest(kind=kind, credited=credited)
        invoices[contract_id].append(
            PastInvoice(issued_on, due, total, interest, cancelled, period, water_m3)
        )
    payments: dict[int, list[PastPayment]] = defaultdict(list)
    for contract_id, paid_on, amount in Payment.objects.filter(
        contract_id__in=ids, paid_on__lte=latest
    ).values_list("contract_id", "paid_on", "amount"):
        payments[contract_id].append(PastPayment(paid_on, amount))
    return Chunk(contracts, addresses, meters_of, invoices, payments)


def load_readings(meter_ids: list[int], month: dt.date) -> dict[int, list[PastReading]]:
    """Each meter's readings up to `month`, oldest first: those of the months M−13..M (the
    previous reading and the 12-month average), plus, for a meter with fewer than two actual
    readings there, the latest two of each source before them — which hold the previous
    reading and the two latest actual ones that the average then falls back on. Two queries at
    most, whatever the history's length or gaps."""
    window_start = average_window_start(month)
    found: dict[int, list[PastReading]] = defaultdict(list)
    rows = (
        Reading.objects.filter(meter_id__in=meter_ids, period__gte=window_start, period__lte=month)
        .order_by("meter_id", "period")
        .values_list("meter_id", "period", "value", "source")
    )
    for meter_id, period, value, source in rows:
        found[meter_id].append(PastReading(period, value, source))
    short = [
        pk
        for pk in meter_ids
        if sum(1 for r in found.get(pk, ()) if r.period < month and r.source != ESTIMATE) < 2
    ]
    if short:
        latest = Window(
            RowNumber(), partition_by=[F("meter_id"), F("source")], order_by=F("period").desc()
        )
        older = (
            Reading.objects.filter(meter_id__in=short, period__lt=window_start)
            .annotate(rank=latest)
            .filter(rank__lte=2)
            .values_list("meter_id", "period", "value", "source")
        )
        earlier: dict[int, list[PastReading]] = defaultdict(list)
        for meter_id, period, value, source in older:
            earlier[meter_id].append(PastReading(period, value, source))
        for meter_id, past in earlier.items():
            found[meter_id] = sorted(past, key=lambda r: r.period) + found.get(meter_id, [])
    return found


# --- One contract's invoice, from plain data (no database) -------------------------------------


def invoice_for(
    *,
    contract: ContractRow,
    meters: Sequence[MeterRow],
    invoices: Sequence[PastInvoice],
    payments: Sequence[PastPayment],
    month: dt.date,
    issue_date: dt.date,
    tariffs: Tariffs,
    norm: Decimal | None,
) -> InvoiceFigures:
    """The invoice of `contract` for `month`, issued on `issue_date`: its lines (consumption by
    meter, estimate or norm; the monthly fee; late-payment interest), the estimate readings to
    store, net, VAT, total, previous balance and amount due. `meters` are the contract's meters
    in use in the month, with their readings; `invoices` and `payments` its history (only what
    was issued or paid by `issue_date` counts). A contract without a working meter in the month
    is billed `norm` m³ per declared resident (nothing but the fee if None)."""
    first, last = month, month_end(month)
    invoices = [i for i in invoices if i.issue_date <= issue_date]
    payments = [p for p in payments if p.paid_on <= issue_date]

    usage = Usage()
    estimates: list[Reading] = []
    # A meter broken on any day of the month is not read: no consumption, no estimate.
    working = [m for m in meters if not broken_in(m.broken_since, month)]
    for meter in working:
        estimate = meter_usage(meter, month, usage)
        if estimate is not None:
            estimates.append(estimate)
    if not working and norm is not None:  # no meter, or all of them broken
        norm_usage(usage, norm, contract.residents)
    in_use_at_end = sum(1 for m in meters if m.in_use_at(last))
    lines = make_lines(
        usage,
        contract.category,
        max(1, in_use_at_end),
        tariffs,
        # No meter at all in the month (not merely broken ones): the fee without a meter.
        no_meter=not meters,
    )

    owing = [(i.due_date, i.total, i.interest, i.issue_date) for i in invoices if not i.cancelled]
    paid = [(p.paid_on, p.amount) for p in payments]
    interest = late_interest(owing, paid, first=first, last=last, rate=contract.daily_interest_rate)
    if interest:
        lines.append(interest_line(interest))
    net = sum((line.net for line in lines if line.service), ZERO)
    readings = [
        BilledReading(
            meter_serial=serial,
            previous=previous,
            previous_estimated=previous_estimated,
            current=current,
            current_estimated=current_estimated,
        )
        # In the page's order: by the meter's serial number.
        for serial, previous, previous_estimated, current, current_estimated in sorted(
            usage.readings
        )
    ]
    vat = sum((line.vat for line in lines), ZERO)
    total = net + vat + interest
    previous = balance_of((i.total for i in invoices), (p.amount for p in payments))
    if not (fits_money_column(previous) and fits_money_column(previous + total)):
        # Only a wrong payment gets a balance this large: say whose, never fail on the column.
        raise BillingError(
            _(
                "The balance of %(customer)s (payer code %(code)s), %(balance)s €, is more "
                "than an invoice can hold: check the contract's payments."
            )
            % {"customer": contract.customer_name, "code": contract.payer_code, "balance": previous}
        )
    return InvoiceFigures(
        lines=lines,
        estimates=estimates,
        readings=readings,
        net=net,
        vat=vat,
        interest=interest,
        total=total,
        previous_balance=previous,
        amount_due=previous + total,
    )


def meter_usage(meter: MeterRow, month: dt.date, usage: Usage) -> Reading | None:
    """Add one working meter's m³ for `month` to `usage`. Returns the estimate reading to store
    when the meter has no reading for the month (and is not removed in it)."""
    before = [r for r in meter.readings if r.period < month]
    current = next((r for r in meter.readings if r.period == month), None)
    previous = before[-1] if before else None
    previous_value = previous.value if previous else meter.initial_reading
    estimate = None
    leaving = next(
        (
            row.leaving[meter.id]
            for row in meter.away
            if row.leaves_in(month) and row.leaving.get(meter.id, -1) >= previous_value
        ),
        None,
    )
    away = current is None and any(row.away_at_end_of(month) for row in meter.away)
    if current is None and leaving is not None:
        # The month of leaving, not declared otherwise: billed to the reading on leaving, an
        # actual reading the customer gave.
        used = leaving - previous_value
        estimated = False
        estimate = Reading(
            meter_id=meter.id, period=month, value=leaving, source=Reading.Source.CUSTOMER
        )
    elif away and meter.in_use_at(month_end(month)):
        # Away at the end of the month: estimated at 0 m³, not at the average („(išvykę)").
        used, estimated = 0, True
        estimate = Reading(meter_id=meter.id, period=month, value=previous_value, source=ESTIMATE)
        usage.readings.append(
            (
                meter.serial_number,
                previous_value,
                previous is not None and previous.source == ESTIMATE,
                previous_value,
                True,
            )
        )
        usage.away[Service.WATER] = 0
        if not meter.garden:
            usage.away[Service.WASTEWATER] = 0
        return estimate
    elif current is not None:
        used = current.value - previous_value
        estimated = current.source == ESTIMATE
        if not estimated and previous is not None and previous.source == ESTIMATE:
            # The actual reading settles the estimates: the difference (maybe negative) is
            # billed now.
            usage.corrected.add(Service.WATER)
            if not meter.garden:
                usage.corrected.add(Service.WASTEWATER)
    elif meter.in_use_at(month_end(month)):
        average = average_monthly(
            before,
            initial_value=meter.initial_reading,
            installed_on=meter.installed_on,
            month=month,
        )
        used = round_m3(average)
        estimated = True
        estimate = Reading(
            meter_id=meter.id, period=month, value=previous_value + used, source=ESTIMATE
        )
    else:
        return None  # removed this month without a final reading: nothing to bill on it
    usage.readings.append(
        (
            meter.serial_number,
            previous_value,
            previous is not None and previous.source == ESTIMATE,
            previous_value + used,
            estimated,
        )
    )
    usage.add(Service.WATER, estimated, used)
    if not meter.garden:  # a garden-watering meter pays for water only
        usage.add(Service.WASTEWATER, estimated, used)
    return estimate


def norm_usage(usage: Usage, norm: Decimal, residents: int) -> None:
    """No working meter in the month: the per-person norm × the declared residents, for water and
    wastewater, kept to the litre (2.500 × 3 = 7.500 m³), not rounded to whole m³."""
    m3 = (norm * residents).quantize(Decimal("0.001"))
    usage.by_norm = True
    usage.add(Service.WATER, False, m3)
    usage.add(Service.WASTEWATER, False, m3)


def make_lines(
    usage: Usage, category: str, fee_count: int, tariffs: Tariffs, *, no_meter: bool = False
) -> list[InvoiceLine]:
    """The priced lines of `usage`: water and wastewater (actual and estimated quantities on
    separate lines), then the monthly fee. The description carries the line's mark — estimated,
    by the norm, correcting an estimate — as the invoice states it; pages and PDFs show it as
    stored."""
    labels = {
        Service.WATER: _("Drinking water supply"),
        Service.WASTEWATER: _("Wastewater collection and treatment"),
    }
    lines = []
    for service in (Service.WATER, Service.WASTEWATER):
        if service in usage.away:
            lines.append(
                priced_line(
                    tariffs[(service, category)],
                    service,
                    _("%(service)s (away)") % {"service": labels[service]},
                    usage.away[service],
                    "m³",
                    estimated=True,
                )
            )
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
    fee = fee_tariff(tariffs, category, no_meter=no_meter)
    if fee.service == Service.FEE_NO_METER:
        lines.append(
            priced_line(
                fee,
                Service.FEE_NO_METER,
                _("Monthly fee where no meter can be installed"),
                1,
                str(Tariff.UNITS[Service.FEE_NO_METER]),
                estimated=False,
            )
        )
    else:
        lines.append(
            priced_line(
                fee,
                Service.FEE,
                _("Monthly meter fee"),
                fee_count,
                _("meter-month"),  # the fee is per meter (at least one) and month
                estimated=False,
            )
        )
    return lines


def interest_line(interest: Decimal) -> InvoiceLine:
    """Late-payment interest: a line without a service and without VAT."""
    return InvoiceLine(
        description=_("Late payment interest"),
        quantity=1,
        unit="",
        unit_price=interest,
        net=interest,
        vat_rate=ZERO,
        vat=ZERO,
        total=interest,
    )


# --- The run on the task workers: a plan, then one task per chunk (billing/tasks.py) ----------


@dataclass
class Plan:
    """What a run does once before its chunks: the period closed, the contracts to bill in
    chunks, the household averages every chunk's invoices print."""

    period: BillingPeriod
    chunks: list[list[int]]
    averages: dict[str, Decimal]


def plan_period(*, month: dt.date, chunk_size: int = CHUNK_SIZE) -> Plan:
    """bill_period()'s start: close `month`, check its tariffs, list the contracts to bill.
    Raises BillingError as bill_period() would."""
    month = month_start(month)
    period = close_period(month=month)
    tariffs = tariffs_on(month_end(month))
    ids = contracts_to_bill(period)
    check_tariffs(tariffs, period)
    chunks = [ids[start : start + chunk_size] for start in range(0, len(ids), chunk_size)]
    return Plan(period, chunks, household_averages(month))


def bill_contracts(
    *, month: dt.date, contract_ids: Sequence[int], averages: dict[str, Decimal]
) -> int:
    """One chunk of a planned run, as a worker's task bills it: bill_chunk() with the period's
    tariffs, norm and series. Safe to run again, and beside other chunks on other workers:
    bill_chunk() takes the sequence lock and skips contracts already billed."""
    period = BillingPeriod.objects.get(month=month_start(month))
    return bill_chunk(
        period=period,
        contract_ids=contract_ids,
        tariffs=tariffs_on(month_end(period.month)),
        series=current_series(),
        norm=norm_on(period.month),
        averages=averages,
    )
