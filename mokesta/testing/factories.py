"""Plain builders for tests across the apps: a contract with meters and readings, invoices made
directly with the ORM (the billing run is another module's job)."""

import datetime as dt
import itertools
import threading
from collections.abc import Callable
from decimal import Decimal

from django.db import connection

from mokesta.accounts.models import User
from mokesta.billing.invoice_readings import meter_readings
from mokesta.billing.models import BilledReading, BillingPeriod, Invoice, InvoiceLine, Tariff
from mokesta.customers.models import Contract, ContractAccess, Customer, ServicePoint
from mokesta.lib.dates import add_months
from mokesta.metering.models import Meter, Reading
from mokesta.payments.models import Payment

_numbers = itertools.count(1)


def make_contract(
    *,
    user: User | None = None,
    name: str = "Ona Kazlauskienė",
    email: str = "",
    category: str = Contract.Category.HOUSE,
    start: dt.date = dt.date(2020, 1, 1),
    end: dt.date | None = None,
    address: str = "Liepų g. 3, Velžys",
    role: str = ContractAccess.Role.HOLDER,
) -> Contract:
    n = next(_numbers)
    customer = Customer.objects.create(
        name=name, payer_code=f"3900215{n:04d}", email=email, address=address
    )
    contract = Contract.objects.create(
        number=f"VKU-T-{n:04d}",
        customer=customer,
        category=category,
        start_date=start,
        end_date=end,
    )
    ServicePoint.objects.create(contract=contract, address=address)
    if user is not None:
        ContractAccess.objects.create(
            user=user, contract=contract, via=ContractAccess.Via.CODE, role=role
        )
    return contract


def add_member(contract: Contract, user: User, role: str) -> ContractAccess:
    """`user` in the household of `contract` with `role` (as if invited by its holder)."""
    return ContractAccess.objects.create(
        user=user, contract=contract, via=ContractAccess.Via.INVITATION, role=role
    )


def make_meter(
    contract: Contract,
    *,
    initial: int = 100,
    digits: int = 5,
    installed: dt.date = dt.date(2020, 1, 1),
    garden: bool = False,
) -> Meter:
    n = next(_numbers)
    point = contract.service_points.first()
    assert point is not None, "the contract has no service point"
    return Meter.objects.create(
        service_point=point,
        serial_number=f"SKT{n:05d}",
        digits=digits,
        installed_on=installed,
        verified_on=installed,
        initial_reading=initial,
        garden=garden,
    )


def add_readings(
    meter: Meter,
    *,
    last_month: dt.date,
    count: int,
    per_month: int = 5,
    source: str = Reading.Source.CUSTOMER,
) -> list[Reading]:
    """`count` monthly readings ending with `last_month`, `per_month` m³ each."""
    first = add_months(last_month, -(count - 1))
    return [
        Reading.objects.create(
            meter=meter,
            period=add_months(first, i),
            value=meter.initial_reading + per_month * (i + 1),
            source=source,
        )
        for i in range(count)
    ]


def make_tariffs(*, category: str = Contract.Category.HOUSE, since=dt.date(2020, 1, 1)) -> None:
    for service, price in [("water", "1.0200"), ("wastewater", "1.3400"), ("fee", "0.9500")]:
        Tariff.objects.get_or_create(
            service=service, category=category, valid_from=since, defaults={"price": price}
        )


def make_invoice(
    contract: Contract, *, month: dt.date, total: str = "24.20", amount_due: str | None = None
) -> Invoice:
    n = next(_numbers)
    period, _ = BillingPeriod.objects.get_or_create(month=month)
    total_d = Decimal(total)
    net = (total_d / Decimal("1.21")).quantize(Decimal("0.01"))
    invoice = Invoice.objects.create(
        # Own series and payment codes: never clash with invoices a billing run has issued.
        series="TEST",
        sequence=n,
        number=f"TEST-{n:06d}",
        contract=contract,
        period=period,
        issue_date=add_months(month, 1) + dt.timedelta(days=4),
        due_date=add_months(month, 2) - dt.timedelta(days=1),
        customer_name=contract.customer.name,
        customer_address=contract.customer.address,
        payer_code=contract.customer.payer_code,
        net=net,
        vat=total_d - net,
        total=total_d,
        # amount due = previous balance + total (a database constraint checks it)
        previous_balance=Decimal(amount_due if amount_due is not None else total) - total_d,
        amount_due=Decimal(amount_due if amount_due is not None else total),
        payment_code=f"99{n:08d}",
    )
    InvoiceLine.objects.create(
        invoice=invoice,
        service="water",
        description="Geriamojo vandens tiekimas",
        quantity=Decimal("5.000"),
        unit="m³",
        unit_price=Decimal("1.0200"),
        net=net,
        vat_rate=Decimal("21"),
        vat=total_d - net,
        total=total_d,
    )
    keep_readings(invoice)
    return invoice


def keep_readings(invoice: Invoice) -> None:
    """As the billing run does: the invoice keeps the readings it billed (its month's, as the
    meters hold them now); the page and the PDF show those."""
    BilledReading.objects.bulk_create(
        BilledReading(
            invoice=invoice,
            meter_serial=row.meter_serial,
            previous=row.previous,
            previous_estimated=row.previous_estimated,
            current=row.current,
            current_estimated=row.current_estimated,
        )
        for row in meter_readings(invoice.contract_id, invoice.period.month)
    )


def make_payment(contract: Contract, *, amount: str, day: dt.date) -> Payment:
    return Payment.objects.create(
        contract=contract,
        amount=Decimal(amount),
        paid_on=day,
        source=Payment.Source.BANK,
        bank_reference=f"REF{next(_numbers)}",
    )


def run_in_threads(target: Callable[[], object], count: int) -> list[BaseException]:
    """Start `count` threads together on `target` (each with its own database connection);
    returns the exceptions they raised."""
    start = threading.Barrier(count)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            start.wait()
            target()
        except BaseException as error:  # handed to the test to assert on
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors
