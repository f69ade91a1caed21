import datetime as dt
from decimal import Decimal

from django.urls import reverse

from mokesta.testing.factories import make_contract, make_invoice, make_payment


def test_it_lists_invoices_and_payments_with_the_running_balance(client, alice):
    contract = make_contract(user=alice)
    march = make_invoice(contract, month=dt.date(2026, 3, 1), total="20.00")  # issued 04-05
    make_payment(contract, amount="50.00", day=dt.date(2026, 4, 10))
    make_invoice(contract, month=dt.date(2026, 4, 1), total="25.00")  # issued 05-05
    client.force_login(alice)
    response = client.get(reverse("payments:list", args=[contract.pk]))
    rows = response.context["rows"]
    assert [(row.day, row.charge, row.paid, row.balance) for row in rows] == [
        (dt.date(2026, 5, 5), Decimal("25.00"), None, Decimal("-5.00")),
        (dt.date(2026, 4, 10), None, Decimal("50.00"), Decimal("-30.00")),
        (march.issue_date, Decimal("20.00"), None, Decimal("20.00")),
    ]
    assert "Permoka: 5,00 €" in response.content.decode()


def test_a_debt_is_shown_as_debt(client, alice):
    contract = make_contract(user=alice)
    make_invoice(contract, month=dt.date(2026, 3, 1), total="20.00")
    client.force_login(alice)
    response = client.get(reverse("payments:list", args=[contract.pk]))
    assert "Skola: 20,00 €" in response.content.decode()


def test_the_menu_entry_goes_straight_to_a_single_contract(client, alice):
    contract = make_contract(user=alice)
    client.force_login(alice)
    response = client.get(reverse("payments:pick"))
    assert response.url == reverse("payments:list", args=[contract.pk])
    second = make_contract(user=alice)
    response = client.get(reverse("payments:pick"))
    assert response.status_code == 200
    assert second.number in response.content.decode()
