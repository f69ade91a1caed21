"""Every value a customer page shows comes out escaped: each text field the page shows (names,
addresses, meter serials, invoice numbers, descriptions, codes, the utility's details) holds a
`<script>` and both quotes, and the page must carry only its escaped form. One test per page."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils.html import escape

from mokesta.billing.models import BillingPeriod, Invoice, InvoiceLine
from mokesta.customers.models import Customer, ServicePoint
from mokesta.lib.dates import add_months
from mokesta.metering.models import Meter, Reading
from mokesta.testing.factories import add_readings, make_contract, make_meter
from mokesta.utility.models import Utility

# Short enough for the narrowest field (a payer code, 20 characters) with a two-letter tag.
EVIL = "<script>\"'"


def planted(tag: str) -> str:
    return f"{EVIL}{tag}"


@pytest.fixture(autouse=True)
def in_may():
    tz = ZoneInfo("Europe/Vilnius")
    with time_machine.travel(dt.datetime(2026, 5, 20, 12, 0, tzinfo=tz), tick=False):
        yield


def issue(contract, month, total, *, number, description="Vanduo", unit="m³", **fields):
    """An issued invoice (issued documents never change, so planted at issue) with one line."""
    period, _ = BillingPeriod.objects.get_or_create(month=month)
    total = Decimal(total)
    values = {
        "series": "TEST",
        "sequence": Invoice.objects.count() + 1,
        "issue_date": add_months(month, 1) + dt.timedelta(days=4),
        "due_date": add_months(month, 2) - dt.timedelta(days=1),
        "customer_name": contract.customer.name,
        "customer_address": contract.customer.address,
        "payer_code": contract.customer.payer_code,
        "payment_code": f"99{Invoice.objects.count():08d}",
        **fields,
    }
    invoice = Invoice.objects.create(
        number=number,
        contract=contract,
        period=period,
        net=total,
        vat=Decimal("0.00"),
        total=total,
        previous_balance=Decimal("0.00"),
        amount_due=total,
        **values,
    )
    InvoiceLine.objects.create(
        invoice=invoice,
        description=description,
        quantity=Decimal("5.000"),
        unit=unit,
        unit_price=Decimal("1.0000"),
        net=total,
        vat_rate=Decimal("0"),
        vat=Decimal("0.00"),
        total=total,
    )
    return invoice


@pytest.fixture
def shown(client, alice):
    """A contract whose every shown text is planted; the values by what they are."""
    alice.first_name = planted("fn")
    alice.save()
    Utility.objects.create(
        name=planted("un"),
        short_name=planted("us"),
        iban="LT12 1000 0111 0100 1000",
        bank_name=planted("ub"),
        payee_code=planted("up"),
    )
    contract = make_contract(user=alice, name=planted("cn"), address=planted("ad"))
    Customer.objects.filter(pk=contract.customer_id).update(payer_code=planted("pc"))
    contract.number = planted("no")
    contract.save()
    ServicePoint.objects.filter(contract=contract).update(address=planted("sp"))
    meter = make_meter(contract, initial=100)
    Meter.objects.filter(pk=meter.pk).update(serial_number=planted("se"))
    add_readings(meter, last_month=dt.date(2026, 3, 1), count=6, per_month=4)
    Reading.objects.create(meter=meter, period=dt.date(2026, 4, 1), value=200, source="estimate")
    march = issue(contract, dt.date(2026, 3, 1), "30.00", number=planted("i1"))
    april = issue(
        contract,
        dt.date(2026, 4, 1),
        "24.20",
        number=planted("i2"),
        customer_name=planted("in"),
        customer_address=planted("ia"),
        payment_code=planted("pa"),
        payer_code=planted("ip"),
        description=planted("de"),
        unit=planted("ut"),
    )
    # Issued before April's invoice, which stays the latest document (with payment details).
    note = issue(
        contract,
        dt.date(2026, 3, 1),
        "-30.00",
        number=planted("cr"),
        kind=Invoice.Kind.CREDIT_NOTE,
        corrects=march,
        reason=planted("re"),
        issue_date=dt.date(2026, 4, 20),
    )
    client.force_login(alice)
    return {"contract": contract, "meter": meter, "april": april, "march": march, "note": note}


def assert_escaped(content: str, *tags: str) -> None:
    assert EVIL not in content
    for tag in tags:
        assert escape(planted(tag)) in content, tag


def page(client, name, *args):
    response = client.get(reverse(name, args=args))
    assert response.status_code == 200
    return response.content.decode()


def test_the_dashboard(client, shown):
    content = page(client, "portal:dashboard")
    # the user's name, the utility's (header, footer, payment details), the contract, its
    # address, the meter (table and leak warning), the latest invoice and its payment details
    assert_escaped(content, "fn", "us", "un", "ub", "up", "no", "sp", "se", "i2", "pa")


def test_the_invoice_list(client, shown):
    content = page(client, "billing:list")
    assert_escaped(content, "fn", "us", "no", "i1", "i2", "cr")


def test_the_invoice_page(client, shown):
    content = page(client, "billing:detail", shown["april"].pk)
    assert_escaped(content, "fn", "i2", "in", "ia", "pa", "de", "ut", "no", "se", "un", "ub")
    note = page(client, "billing:detail", shown["note"].pk)
    assert_escaped(note, "cr", "re", "i1")


def test_the_contract_page(client, shown):
    content = page(client, "customers:contract", shown["contract"].pk)
    assert_escaped(content, "fn", "no", "cn", "pc", "sp", "se")


def test_the_consumption_page(client, shown):
    content = page(client, "metering:consumption", shown["contract"].pk)
    assert_escaped(content, "fn", "no", "se")


def test_the_payments_page(client, shown):
    content = page(client, "payments:list", shown["contract"].pk)
    assert_escaped(content, "fn", "no", "i1", "i2", "cr")


def test_the_planted_value_would_be_seen_unescaped():
    """The check is not vacuous: the raw value is what a page would carry if it were not
    escaped, and its escaped form differs from it."""
    assert escape(EVIL) == "&lt;script&gt;&quot;&#x27;"
