"""The invoice list: 12 a page, filters by contract and year (GET), a clear message for a wrong
filter, 404 for a page that does not exist, „Apmokėti" on each unpaid invoice."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import override_settings
from django.urls import reverse

from mokesta.lib.dates import add_months
from mokesta.testing.factories import make_contract, make_invoice, make_meter


@pytest.fixture(autouse=True)
def in_may():
    tz = ZoneInfo("Europe/Vilnius")
    with time_machine.travel(dt.datetime(2026, 5, 20, 12, 0, tzinfo=tz), tick=False):
        yield


@pytest.fixture
def history(alice):
    first = make_contract(user=alice, address="Liepų g. 3, Velžys")
    second = make_contract(user=alice, address="Beržų g. 7, Velžys")
    meter = make_meter(first)
    meter.name = "Virtuvė"
    meter.save()
    for i in range(14):
        make_invoice(first, month=add_months(dt.date(2025, 3, 1), i), total="10.00")
    make_invoice(second, month=dt.date(2026, 4, 1), total="5.00")
    return first, second


def test_it_shows_twelve_a_page_newest_first(client, alice, history):
    client.force_login(alice)
    response = client.get(reverse("billing:list"))
    assert len(response.context["rows"]) == 12
    assert "1 psl. iš 2" in response.content.decode()
    assert len(client.get(reverse("billing:list"), {"page": 2}).context["rows"]) == 3


def test_it_filters_by_contract_and_year(client, alice, history):
    first, second = history
    client.force_login(alice)
    response = client.get(reverse("billing:list"), {"contract": second.pk})
    assert [row.contract_id for row, _state in response.context["rows"]] == [second.pk]
    response = client.get(reverse("billing:list"), {"contract": first.pk, "year": 2025})
    assert {row.period__month.year for row, _state in response.context["rows"]} == {2025}
    assert len(response.context["rows"]) == 10
    html = response.content.decode()
    # The contract choices are told apart by address and meters.
    assert "Liepų g. 3, Velžys (Virtuvė (" in html and "Beržų g. 7, Velžys" in html


def test_a_wrong_filter_says_so_next_to_the_field(client, alice, bob, history):
    client.force_login(alice)
    other = make_contract(user=bob)
    for params, message in [
        ({"contract": other.pk}, "Pasirinkite vieną iš savo sutarčių."),
        ({"contract": "abc"}, "Pasirinkite vieną iš savo sutarčių."),
        ({"year": "1999"}, "Pasirinkite metus iš sąrašo."),
        ({"year": "x" * 300}, "Pasirinkite metus iš sąrašo."),
    ]:
        response = client.get(reverse("billing:list"), params)
        assert response.status_code == 400
        assert message in response.content.decode()
        assert other.number not in response.content.decode()


def test_a_page_that_does_not_exist_is_404(client, alice, history):
    client.force_login(alice)
    for page in ["9", "0", "-1", "abc", "1" * 40]:
        assert client.get(reverse("billing:list"), {"page": page}).status_code == 404


@override_settings(PAYMENT_PROVIDER="demo")
def test_each_unpaid_invoice_has_its_pay_button(client, alice, history):
    client.force_login(alice)
    response = client.get(reverse("billing:list"))
    html = response.content.decode()
    unpaid = [row for row, state in response.context["rows"] if state == "unpaid"]
    assert unpaid
    for row in unpaid:
        assert reverse("payments:pay_invoice", args=[row.pk]) in html
