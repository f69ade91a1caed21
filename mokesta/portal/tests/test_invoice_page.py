"""The invoice page (billing/detail.html from billing.queries' rows): the labels in the visitor's
language, what was typed escaped, and the readings the invoice was billed from."""

import datetime as dt

from django.conf import settings
from django.urls import reverse

from mokesta.billing.credit_notes import issue_credit_note
from mokesta.billing.invoice_readings import meter_readings
from mokesta.billing.models import Invoice, InvoiceLine
from mokesta.billing.queries import invoice_list_rows, invoice_with_lines
from mokesta.metering.models import Reading
from mokesta.testing.factories import make_contract, make_invoice, make_meter, make_payment

MARCH, APRIL, MAY = dt.date(2026, 3, 1), dt.date(2026, 4, 1), dt.date(2026, 5, 1)
ESTIMATE, CUSTOMER = Reading.Source.ESTIMATE, Reading.Source.CUSTOMER


def test_the_page_reads_in_english_with_its_state_and_corrections(client, alice):
    contract = make_contract(user=alice, name="<b>Ona</b> & Co")
    march = make_invoice(contract, month=MARCH, total="20.00")
    april = make_invoice(contract, month=APRIL, total="30.00")
    make_payment(contract, amount="20.00", day=dt.date(2026, 5, 20))
    note = issue_credit_note(invoice=april, reason="<script>x</script>")
    client.force_login(alice)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    def page(invoice):
        return client.get(reverse("billing:detail", args=[invoice.pk])).content.decode()

    paid = page(march)
    assert f"<h1>Invoice {march.number}</h1>" in paid
    assert '<p class="state state-paid">State: paid</p>' in paid
    assert "<dt>Customer</dt><dd>&lt;b&gt;Ona&lt;/b&gt; &amp; Co, " in paid
    assert '<th scope="col" class="num">Price without VAT, €</th>' in paid
    assert '<td class="num" data-label="Quantity">5 m³</td>' in paid

    credited = page(april)
    assert '<p class="state state-credited">State: credited</p>' in credited
    note_link = f'<a href="{reverse("billing:detail", args=[note.pk])}">{note.number}</a>'
    assert f"<dt>Corrected by credit note</dt><dd>{note_link}" in credited

    credit_note = page(note)
    assert f"<h1>Credit note {note.number}</h1>" in credit_note
    assert "State:" not in credit_note and "Payment details" not in credit_note
    assert "<dt>Reason</dt><dd>&lt;script&gt;x&lt;/script&gt;</dd>" in credit_note
    total = '<th scope="row" colspan="5">Total for the period</th><td class="num">-30.00</td>'
    assert total in credit_note


def test_each_meter_shows_the_months_reading_and_the_one_before(db):
    contract = make_contract()
    first = make_meter(contract, initial=100)  # its first reading: the previous is the initial
    Reading.objects.create(meter=first, period=APRIL, value=104, source=ESTIMATE)
    Reading.objects.create(meter=first, period=MAY, value=109, source=CUSTOMER)  # later: unread
    second = make_meter(contract, initial=50)  # no reading in March: the one before is February's
    Reading.objects.create(meter=second, period=dt.date(2026, 2, 1), value=60, source=ESTIMATE)
    Reading.objects.create(meter=second, period=APRIL, value=70, source=CUSTOMER)
    idle = make_meter(contract)  # nothing for April (a norm month): no row
    Reading.objects.create(meter=idle, period=MARCH, value=120, source=CUSTOMER)

    rows = meter_readings(contract.pk, APRIL)

    shown = [
        (r.meter.serial_number, r.previous, r.previous_estimated, r.current, r.estimated, r.used)
        for r in rows
    ]
    assert shown == [
        (first.serial_number, 100, False, 104, True, 4),
        (second.serial_number, 60, True, 70, False, 10),
    ]
    assert meter_readings(make_contract().pk, APRIL) == []


def test_the_plain_sql_rows_read_as_the_orm_reads_them(alice):
    """Types and decimal places alike on SQLite (which returns decimals as floats, 10.00 as 10)
    and PostgreSQL."""
    contract = make_contract(user=alice)
    make_invoice(contract, month=MARCH, total="10.00")
    april = make_invoice(contract, month=APRIL, total="24.68", amount_due="30.10")
    issue_credit_note(invoice=april, reason="Klaida")
    make_invoice(make_contract(), month=APRIL)  # another user's

    def shown(rows):
        return [tuple(map(repr, row)) for row in rows]

    listed = invoice_list_rows(alice)
    orm = Invoice.objects.filter(contract__accesses__user=alice).order_by(
        "-issue_date", "-sequence"
    )
    assert shown(listed) == shown(orm.values_list(*listed[0]._fields))
    assert len(listed) == 3

    for invoice in orm:
        rows = invoice_with_lines(alice, invoice.pk)
        money = ("total", "interest", "previous_balance", "amount_due")
        assert shown([[getattr(rows[0], name) for name in money]]) == shown(
            Invoice.objects.filter(pk=invoice.pk).values_list(*money)
        )
        line = ("quantity", "unit_price", "net", "vat", "line_total")
        assert shown([[getattr(row, name) for name in line] for row in rows]) == shown(
            InvoiceLine.objects.filter(invoice=invoice)
            .order_by("pk")
            .values_list("quantity", "unit_price", "net", "vat", "total")
        )
