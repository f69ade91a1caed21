"""The payments page, whose invoices and payments come in one plain-SQL query
(portal/payments.py): the amounts read as the ORM reads them on either database, the running
balance by the ledger's rule, another user's contract a 404."""

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mokesta.billing.credit_notes import issue_credit_note
from mokesta.billing.models import Invoice
from mokesta.billing.queries import INVOICE_FIELDS
from mokesta.payments.models import Payment
from mokesta.testing.factories import make_contract, make_invoice, make_payment


def test_it_lists_invoices_credit_notes_and_payments_newest_first_in_english(client, alice):
    contract = make_contract(user=alice)
    january = make_invoice(contract, month=dt.date(2025, 1, 1), total="24.68")  # 02-05
    february = make_invoice(contract, month=dt.date(2025, 2, 1), total="20.00")  # 03-05
    make_payment(contract, amount="10.5", day=february.issue_date)  # after the day's invoice
    Payment.objects.create(
        contract=contract, amount=Decimal("0.01"), paid_on=dt.date(2025, 1, 1), source="online"
    )
    note = issue_credit_note(invoice=january, reason="wrong reading")
    client.force_login(alice)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = client.get(reverse("payments:list", args=[contract.pk]))

    rows = response.context["rows"]
    assert [(row.day, row.charge, row.paid, row.balance) for row in rows] == [
        (note.issue_date, Decimal("-24.68"), None, Decimal("9.49")),
        (february.issue_date, None, Decimal("10.50"), Decimal("34.17")),
        (february.issue_date, Decimal("20.00"), None, Decimal("44.67")),
        (january.issue_date, Decimal("24.68"), None, Decimal("24.67")),
        (dt.date(2025, 1, 1), None, Decimal("0.01"), Decimal("-0.01")),
    ]
    page = response.content.decode()
    assert f"Contract {contract.number}." in page
    assert '<span class="debt">Debt: 9.49 €</span>' in page
    detail = reverse("billing:detail", args=[note.pk])
    assert f'<td><a href="{detail}">Credit note {note.number}</a></td>' in page
    assert f">Invoice {january.number}</a>" in page
    assert (
        '<tr><td>2025-01-01</td><td>Payment (online payment)</td><td class="num"></td>'
        '<td class="num" data-label="Paid, €">0.01</td>'
        '<td class="num" data-label="Balance, €">-0.01</td></tr>'
    ) in page
    assert '<td>Payment (bank statement)</td><td class="num"></td>' in page


def test_a_contract_without_invoices_or_payments(client, alice):
    contract = make_contract(user=alice)
    client.force_login(alice)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(reverse("payments:list", args=[contract.pk]))
    assert response.context["rows"] == []
    page = response.content.decode()
    assert "Nothing owed." in page
    assert '<td colspan="5">No invoices or payments yet.</td>' in page


def test_another_users_or_a_missing_contract_is_a_404(client, alice, bob):
    contract = make_contract(user=alice)
    make_invoice(contract, month=dt.date(2025, 1, 1))
    client.force_login(bob)
    assert client.get(reverse("payments:list", args=[contract.pk])).status_code == 404
    assert client.get(reverse("payments:list", args=[contract.pk + 1])).status_code == 404


def test_the_invoice_fields_are_in_the_models_order():
    """Model.from_db() takes the values in the model's field order, whatever the names' order."""
    order = [field.attname for field in Invoice._meta.concrete_fields]
    assert sorted(INVOICE_FIELDS, key=order.index) == INVOICE_FIELDS


def test_the_page_reads_its_data_in_one_query(client, alice):
    contract = make_contract(user=alice)
    make_invoice(contract, month=dt.date(2025, 1, 1))
    make_payment(contract, amount="1.00", day=dt.date(2025, 3, 1))
    client.force_login(alice)
    url = reverse("payments:list", args=[contract.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    assert len(queries) <= 3  # the session, the user, the page's own
