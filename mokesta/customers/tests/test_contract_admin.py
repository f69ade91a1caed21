import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mokesta.accounts.models import User
from mokesta.billing.credit_notes import issue_credit_note
from mokesta.billing.ledger import balance
from mokesta.customers.models import Contract
from mokesta.testing.factories import make_contract, make_invoice, make_payment
from mokesta.testing.staff import admin_client, clerk  # noqa: F401

pytestmark = pytest.mark.django_db

LIST = "/admin/customers/contract/"


def with_history(name: str, *, paid: str) -> Contract:
    """Two invoices (24.20 and 30.25), the second reversed by a credit note, and `paid`."""
    contract = make_contract(name=name)
    make_invoice(contract, month=dt.date(2026, 3, 1), total="24.20")
    second = make_invoice(contract, month=dt.date(2026, 4, 1), total="30.25")
    issue_credit_note(invoice=second, reason="Klaidingi rodmenys")
    if paid:
        make_payment(contract, amount=paid, day=dt.date(2026, 5, 10))
    return contract


def listed_balances(client) -> dict[int, Decimal]:
    response = client.get(LIST)
    assert response.status_code == 200
    return {contract.pk: contract.balance for contract in response.context["cl"].result_list}


def test_the_list_shows_the_balance_the_portal_shows(clerk: User) -> None:  # noqa: F811
    debtor = with_history("Skolininkė", paid="10.00")
    overpayer = with_history("Permokėtojas", paid="30.00")
    settled = with_history("Atsiskaičiusi", paid="24.20")
    untouched = make_contract(name="Be sąskaitų")
    client = admin_client(clerk)

    listed = listed_balances(client)

    assert listed == {c.pk: balance(c) for c in (debtor, overpayer, settled, untouched)}
    assert (listed[debtor.pk], listed[overpayer.pk], listed[settled.pk]) == (
        Decimal("14.20"),
        Decimal("-5.80"),
        Decimal("0.00"),
    )
    html = client.get(LIST).content.decode()
    assert "Skola: 14,20\xa0€" in html  # a no-break space before the sign (backoffice.formats)
    assert "Permoka: 5,80\xa0€" in html
    assert "Skolos nėra." in html


def test_the_list_sorts_by_balance(clerk: User) -> None:  # noqa: F811
    # Created in this order, the default order (by number) is the opposite of the debt order.
    overpayer = with_history("Permokėtojas", paid="30.00")
    debtor = with_history("Skolininkė", paid="10.00")
    settled = with_history("Atsiskaičiusi", paid="24.20")
    client = admin_client(clerk)
    column = client.get(LIST).context["cl"].list_display.index("balance_column")
    response = client.get(LIST, {"o": f"-{column}"})
    assert [c.pk for c in response.context["cl"].result_list] == [
        debtor.pk,
        settled.pk,
        overpayer.pk,
    ]


def test_the_list_reads_the_balances_without_a_query_per_contract(
    clerk: User,  # noqa: F811
) -> None:
    client = admin_client(clerk)
    with_history("Pirma", paid="10.00")
    client.get(LIST)  # the session, permissions and content types are cached from here on
    with CaptureQueriesContext(connection) as few:
        client.get(LIST)
    for n in range(5):
        with_history(f"Kita {n}", paid="1.00")
    with CaptureQueriesContext(connection) as many:
        response = client.get(LIST)
    assert len(response.context["cl"].result_list) == 6
    assert len(many) == len(few)


def test_the_change_page_shows_the_balance(clerk: User) -> None:  # noqa: F811
    contract = with_history("Skolininkė", paid="10.00")
    html = admin_client(clerk).get(f"{LIST}{contract.pk}/change/").content.decode()
    assert balance(contract) == Decimal("14.20")
    assert "Skola: 14,20\xa0€" in html  # a no-break space before the sign (backoffice.formats)
