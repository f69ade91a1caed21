"""„Apmokėti viską": one online order for what all the user's contracts owe now, its parts one
per contract; the provider's confirmation books one Payment per contract, all or nothing, once.
The CI runs this file on SQLite and on PostgreSQL (DATABASE_URL)."""

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from mokesta.accounts.models import User
from mokesta.backoffice.groups import ACCOUNTANT, CLERK, setup_groups
from mokesta.billing.ledger import PAID, amount_due_now, balance, contract_invoice_states
from mokesta.conftest import make_user
from mokesta.customers.models import Contract, ContractAccess
from mokesta.onlinepay import providers
from mokesta.onlinepay.models import PaymentOrder, PaymentOrderPart
from mokesta.onlinepay.orders import apply_outcome, start_order_for_all
from mokesta.onlinepay.payouts import settle_payout
from mokesta.onlinepay.tests.conftest import FakePaysera
from mokesta.outbox.models import OutgoingMessage
from mokesta.outbox.sending import build_email, render_sms
from mokesta.payments.models import Payment
from mokesta.testing.factories import (
    add_member,
    make_contract,
    make_invoice,
    make_meter,
    make_payment,
    run_in_threads,
)

CALLBACK = "/apmokejimas/patvirtinimas/"
PAY_ALL = "/savitarna/apmoketi/"
NOW = dt.datetime(2026, 11, 15, 10, tzinfo=dt.UTC)  # 12:00 in Vilnius


@pytest.fixture(autouse=True)
def clock() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def owing(user: User, *totals: str) -> list[Contract]:
    """A contract of `user` per total, each with one overdue invoice of that total and a
    newer one it has paid, so the part due is the older invoice's."""
    contracts = []
    for total in totals:
        contract = make_contract(user=user)
        make_meter(contract)
        make_invoice(contract, month=dt.date(2026, 8, 1), total=total)
        make_invoice(contract, month=dt.date(2026, 9, 1), total="7.00")
        make_payment(contract, amount="7.00", day=dt.date(2026, 10, 20))
        contracts.append(contract)
    return contracts


def pay_all(client: Client, user: User, fake: FakePaysera, total: str) -> dict[str, str]:
    """The user presses „Apmokėti viską" (the total the dashboard showed) and the browser
    reaches (fake) Paysera: the fields it received."""
    client.force_login(user)
    response = client.post(PAY_ALL, {"total": total})
    assert response.status_code == 302, response.content.decode()
    assert response["Location"].startswith(fake.url + "?data=")
    return fake.open(response["Location"])


def parts_of(order: PaymentOrder) -> dict[str, Decimal]:
    return {part.contract.number: part.amount for part in order.parts.select_related("contract")}


@pytest.mark.parametrize(
    "totals",
    [("10.01", "5.49"), ("12.34", "0.07", "999.99")],
    ids=["two contracts", "three contracts"],
)
def test_one_order_for_the_total_and_one_payment_per_contract(
    client: Client, alice: User, fake_paysera: FakePaysera, totals: tuple[str, ...]
) -> None:
    # The older invoices are the due ones; each contract paid the newer 7,00 € one early.
    contracts = owing(alice, *totals)
    total = sum((Decimal(t) for t in totals), Decimal(0))
    assert [amount_due_now(c).amount for c in contracts] == [Decimal(t) for t in totals]
    request = pay_all(client, alice, fake_paysera, f"{total}")

    order = PaymentOrder.objects.get()
    assert order.contract is None and order.invoice is None and order.user == alice
    assert order.amount == total and request["amount"] == str(int(total * 100))
    assert parts_of(order) == {c.number: Decimal(t) for c, t in zip(contracts, totals, strict=True)}
    assert all(c.number in request["paytext"] for c in contracts)

    answer = Client().post(CALLBACK, fake_paysera.callback(request))
    assert answer.content == b"OK"
    order.refresh_from_db()
    assert order.state == PaymentOrder.State.CONFIRMED and order.payment is None
    payments = list(Payment.objects.filter(source=Payment.Source.ONLINE).order_by("pk"))
    assert [(p.contract, p.amount) for p in payments] == [
        (c, Decimal(t)) for c, t in zip(contracts, totals, strict=True)
    ]
    assert [p.provider_reference for p in payments] == [
        f"paysera:{order.order_id}:{n}" for n in range(1, len(totals) + 1)
    ]
    assert {part.payment for part in order.parts.all()} == set(payments)
    for contract in contracts:  # booked against its own invoices: all paid, nothing due
        assert set(contract_invoice_states(contract).values()) == {PAID}
        assert balance(contract) == 0 and amount_due_now(contract).amount == 0
    receipt = OutgoingMessage.objects.get(template="payment-receipt")
    assert [part["contract_number"] for part in receipt.context["parts"]] == [
        c.number for c in contracts
    ]


def test_the_receipt_lists_each_contract_and_its_amount(
    client: Client, alice: User, fake_paysera: FakePaysera
) -> None:
    alice.sms_opt_in, alice.phone = True, "+37061234567"
    alice.save()
    first, second = owing(alice, "10.01", "5.49")
    request = pay_all(client, alice, fake_paysera, "15.50")
    make_invoice(second, month=dt.date(2026, 10, 1), total="3.00")  # issued meanwhile: owed
    Client().post(CALLBACK, fake_paysera.callback(request))
    order = PaymentOrder.objects.get()
    email = build_email(OutgoingMessage.objects.get(channel="email", template="payment-receipt"))
    text = str(email.body)
    assert email.subject.startswith("Gautas 15,50 € mokėjimas")
    assert "2026-11-15 gavome Jūsų 15,50 € mokėjimą internetu už sutartis:" in text
    assert f"- sutartis {first.number}: 10,01 €; Mokėti nieko nereikia." in text
    assert f"- sutartis {second.number}: 5,49 €; Dar liko sumokėti: 3,00 €." in text
    assert f"Mokėjimo numeris: {order.order_id}." in text
    sms = render_sms(OutgoingMessage.objects.get(channel="sms", template="payment-receipt"))
    assert f"15,50 EUR mokėjimas už sutartis {first.number}, {second.number}" in sms


def test_the_return_page_lists_the_parts_and_only_the_payer_sees_it(
    client: Client, alice: User, bob: User, fake_paysera: FakePaysera
) -> None:
    first, second = owing(alice, "10.01", "5.49")
    request = pay_all(client, alice, fake_paysera, "15.50")
    Client().post(CALLBACK, fake_paysera.callback(request))
    order = PaymentOrder.objects.get()
    page = client.get(reverse("payments:order", args=[order.order_id]))
    html = page.content.decode()
    assert page.status_code == 200 and "Mokėjimas patvirtintas. Ačiū!" in html
    assert "15,50 €" in html and first.number in html and second.number in html
    assert "10,01" in html and "5,49" in html
    client.force_login(bob)
    assert client.get(reverse("payments:order", args=[order.order_id])).status_code == 404


def test_a_repeated_callback_books_nothing_twice(
    client: Client, alice: User, fake_paysera: FakePaysera
) -> None:
    owing(alice, "10.01", "5.49", "1.00")
    request = pay_all(client, alice, fake_paysera, "16.50")
    params = fake_paysera.callback(request)
    for _ in range(3):
        assert Client().post(CALLBACK, params).content == b"OK"
    assert Client().get(CALLBACK, params).content == b"OK"
    assert Payment.objects.filter(source=Payment.Source.ONLINE).count() == 3
    assert OutgoingMessage.objects.filter(template="payment-receipt").count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_same_callback_four_times_at_once_books_each_contract_once(
    alice: User, fake_paysera: FakePaysera
) -> None:
    contracts = owing(alice, "10.01", "5.49")
    provider = providers.current()
    assert provider is not None
    order = start_order_for_all(
        user=alice,
        parts=[(contracts[0], Decimal("10.01")), (contracts[1], Decimal("5.49"))],
        provider=provider,
    )
    params = fake_paysera.callback(
        {
            "projectid": "123456",
            "orderid": order.order_id,
            "amount": "1550",
            "currency": "EUR",
            "test": "0",
        }
    )
    answers: list[bytes] = []

    def post() -> None:
        answers.append(Client().post(CALLBACK, params).content)

    assert run_in_threads(post, 4) == []
    assert answers == [b"OK"] * 4
    assert Payment.objects.filter(source=Payment.Source.ONLINE).count() == 2
    assert OutgoingMessage.objects.filter(template="payment-receipt").count() == 1
    assert [balance(c) for c in contracts] == [0, 0]


def test_a_different_amount_is_refused_and_flagged(
    client: Client, alice: User, fake_paysera: FakePaysera
) -> None:
    contracts = owing(alice, "10.01", "5.49")
    request = pay_all(client, alice, fake_paysera, "15.50")
    for amount in ["1001", "1549", "1551"]:  # one part's amount, a cent less, a cent more
        answer = Client().post(
            CALLBACK, fake_paysera.callback(request, amount=amount, payamount=amount)
        )
        assert answer.content == b"OK"  # genuine, so not repeated; but nothing booked
    order = PaymentOrder.objects.get()
    assert order.state == PaymentOrder.State.FLAGGED and "15.50" in order.problem
    assert not Payment.objects.filter(source=Payment.Source.ONLINE).exists()
    assert not PaymentOrderPart.objects.filter(payment__isnull=False).exists()
    assert [amount_due_now(c).amount for c in contracts] == [Decimal("10.01"), Decimal("5.49")]


def test_a_failing_part_books_no_other(alice: User, settings: Any) -> None:
    """All or nothing: a part that cannot be booked (its reference taken) leaves no payment."""
    settings.PAYMENT_PROVIDER = "demo"
    provider = providers.current()
    assert provider is not None
    first, second = owing(alice, "10.01", "5.49")
    order = start_order_for_all(
        user=alice, parts=[(first, Decimal("10.01")), (second, Decimal("5.49"))], provider=provider
    )
    Payment.objects.create(
        contract=second,
        amount=Decimal("1.00"),
        paid_on=dt.date(2026, 11, 1),
        source=Payment.Source.ONLINE,
        provider_reference=f"demo:{order.order_id}:2",
    )
    outcome = providers.Outcome(
        order_id=order.order_id,
        status=providers.PAID,
        amount=Decimal("15.50"),
        currency="EUR",
        test=True,
    )
    with pytest.raises(Exception, match="(?i)unique"):
        apply_outcome(outcome=outcome, provider=provider)
    order.refresh_from_db()
    assert order.state == PaymentOrder.State.PENDING
    assert not Payment.objects.filter(contract=first).exclude(source="bank").exists()
    assert not OutgoingMessage.objects.filter(template="payment-receipt").exists()


def test_another_users_contract_is_never_included(
    client: Client, alice: User, bob: User, fake_paysera: FakePaysera
) -> None:
    mine = owing(alice, "10.01", "5.49")
    (bobs,) = owing(bob, "40.00")
    pay_all(client, alice, fake_paysera, "15.50")
    order = PaymentOrder.objects.get()
    assert bobs.number not in parts_of(order)
    assert set(parts_of(order)) == {c.number for c in mine}
    # Bob's total with Alice's contracts is not what she owes: refused, nothing started.
    response = client.post(PAY_ALL, {"total": "55.50"})
    assert response.status_code == 400 and PaymentOrder.objects.count() == 1
    assert bobs.number not in response.content.decode()


def test_only_contracts_the_user_may_pay_are_included(
    client: Client, alice: User, bob: User, fake_paysera: FakePaysera
) -> None:
    """Household roles (issue 22): a contract Alice only sees („Peržiūra") or declares for
    („Deklaruoja") is neither in her total nor in the order; one she pays for („Moka") is."""
    mine = owing(alice, "10.01")
    seen, declared, paid = owing(bob, "40.00", "30.00", "5.49")
    add_member(seen, alice, ContractAccess.Role.VIEW)
    add_member(declared, alice, ContractAccess.Role.DECLARE)
    add_member(paid, alice, ContractAccess.Role.PAY)
    client.force_login(alice)
    dashboard = client.get(reverse("portal:dashboard")).content.decode()
    assert "Iš viso mokėti už visas sutartis: 15,50 €" in dashboard
    assert client.post(PAY_ALL, {"total": "85.50"}).status_code == 400
    pay_all(client, alice, fake_paysera, "15.50")
    assert parts_of(PaymentOrder.objects.get()) == {
        mine[0].number: Decimal("10.01"),
        paid.number: Decimal("5.49"),
    }


def test_a_changed_or_wrong_total_starts_nothing_and_shows_the_new_amounts(
    client: Client, alice: User, fake_paysera: FakePaysera
) -> None:
    first, _second = owing(alice, "10.01", "5.49")
    client.force_login(alice)
    make_payment(first, amount="10.01", day=dt.date(2026, 11, 14))  # paid by transfer since
    for wrong in ["15.50", "abc", "", "5,490", "-5.49"]:
        response = client.post(PAY_ALL, {"total": wrong})
        html = response.content.decode()
        assert response.status_code == 400, wrong
        assert "Mokėtina suma pasikeitė. Patikrinkite naujas sumas ir mokėkite dar kartą." in html
        assert 'value="5.49"' in html and first.number not in html
    assert not PaymentOrder.objects.exists()
    pay_all(client, alice, fake_paysera, "5,49")  # the new total, as the page shows it
    assert PaymentOrder.objects.get().amount == Decimal("5.49")


def test_the_page_without_the_dashboard(client: Client, alice: User, fake_paysera: Any) -> None:
    first, second = owing(alice, "1000.00", "234.56")
    client.force_login(alice)
    html = client.get(PAY_ALL).content.decode()
    assert "Mokėti už visas sutartis" in html and "1\u00a0234,56" in html
    assert first.number in html and second.number in html and 'value="1234.56"' in html
    assert "csrfmiddlewaretoken" in html and "Apmokėti viską" in html
    csrf = Client(enforce_csrf_checks=True)
    csrf.force_login(alice)
    assert csrf.post(PAY_ALL, {"total": "1234.56"}).status_code == 403
    assert client.put(PAY_ALL).status_code == 405
    client.logout()
    assert client.get(PAY_ALL).status_code == 302  # to the login page
    assert not PaymentOrder.objects.exists()


def test_the_same_limits_as_a_single_payment(
    client: Client, alice: User, fake_paysera: FakePaysera
) -> None:
    owing(alice, "9000.00", "1000.01")
    client.force_login(alice)
    html = client.get(PAY_ALL).content.decode()
    assert "Bendra suma didesnė nei 10\u00a0000,00 €" in html or "10 000,00 €" in html
    assert "Apmokėti viską" not in html
    response = client.post(PAY_ALL, {"total": "10000.01"})
    assert response.status_code == 400 and not PaymentOrder.objects.exists()
    provider = providers.current()
    assert provider is not None
    contract = Contract.objects.first()
    assert contract is not None
    for parts in [[], [(contract, Decimal("0"))], [(contract, Decimal("10000.01"))]]:
        with pytest.raises(ValueError):
            start_order_for_all(user=alice, parts=parts, provider=provider)


def test_nothing_due_and_online_payments_off(
    client: Client, alice: User, settings: Any, fake_paysera: FakePaysera
) -> None:
    client.force_login(alice)
    response = client.post(PAY_ALL, {"total": "0.00"})
    assert response.status_code == 400
    assert "Šiuo metu mokėti nieko nereikia." in response.content.decode()
    settings.PAYMENT_PROVIDER = ""
    assert client.get(PAY_ALL).status_code == 404


def test_a_debt_changed_after_the_start_is_paid_as_the_order_says(
    client: Client, alice: User, fake_paysera: FakePaysera
) -> None:
    first, second = owing(alice, "10.01", "5.49")
    request = pay_all(client, alice, fake_paysera, "15.50")
    make_payment(first, amount="10.01", day=dt.date(2026, 11, 15))  # a transfer came in too
    Client().post(CALLBACK, fake_paysera.callback(request))
    assert Payment.objects.get(contract=first, source="online").amount == Decimal("10.01")
    assert balance(first) == Decimal("-10.01")  # an overpayment: the next invoice's advance
    assert balance(second) == 0


def test_the_dashboard_card_at_the_top(client: Client, alice: User, fake_paysera: Any) -> None:
    first, second = owing(alice, "10.01", "5.49")
    client.force_login(alice)
    html = client.get(reverse("portal:dashboard")).content.decode()
    assert "Iš viso mokėti už visas sutartis: 15,50 €" in html
    summary = html.index('class="card pay-all"')
    assert summary < html.index(first.number) and summary < html.index(f"Sutartis {second.number}")
    assert f'action="{PAY_ALL}"' in html and 'name="total" value="15.50"' in html
    assert html.count("Apmokėti viską") == 1


def test_one_contract_due_shows_no_summary_card(
    client: Client, alice: User, fake_paysera: Any
) -> None:
    (first,) = owing(alice, "10.01")
    make_contract(user=alice)  # nothing due on it
    client.force_login(alice)
    response = client.get(reverse("portal:dashboard"))
    html = response.content.decode()
    assert "pay-all" not in html and "Apmokėti viską" not in html
    assert response.context["due_cards"] == []


def test_a_payout_settles_the_order_total(client: Client, alice: User, settings: Any) -> None:
    settings.PAYMENT_PROVIDER = "paysera"
    settings.PAYSERA_PROJECT_ID, settings.PAYSERA_PASSWORD = "123456", "secret"
    provider = providers.current()
    assert provider is not None
    first, second = owing(alice, "10.01", "5.49")
    order = start_order_for_all(
        user=alice, parts=[(first, Decimal("10.01")), (second, Decimal("5.49"))], provider=provider
    )
    outcome = providers.Outcome(
        order_id=order.order_id,
        status=providers.PAID,
        amount=order.amount,
        currency="EUR",
        test=False,
    )
    apply_outcome(outcome=outcome, provider=provider)
    payout = settle_payout(
        amount=Decimal("15.30"), booked_on=dt.date(2026, 11, 16), text=f"Išmoka {order.order_id}"
    )
    assert list(payout.orders.all()) == [order]
    assert payout.settled == Decimal("15.50") and payout.difference == Decimal("-0.20")
    setup_groups()
    accountant = make_user("buhaltere@example.lt", "Birutė", "Buhalterė", is_staff=True)
    accountant.groups.add(Group.objects.get(name=ACCOUNTANT))
    client.force_login(accountant)
    page = client.get(f"/admin/onlinepay/payout/{payout.pk}/change/").content.decode()
    assert order.order_id in page and first.number in page and second.number in page


def test_the_back_office_shows_the_parts(
    client: Client, alice: User, fake_paysera: FakePaysera
) -> None:
    first, second = owing(alice, "10.01", "5.49")
    request = pay_all(client, alice, fake_paysera, "15.50")
    Client().post(CALLBACK, fake_paysera.callback(request))
    order = PaymentOrder.objects.get()
    setup_groups()
    clerk = make_user("raste@example.lt", "Jolanta", "Raštinė", is_staff=True)
    clerk.groups.add(Group.objects.get(name=CLERK))
    client.force_login(clerk)
    listing = client.get("/admin/onlinepay/paymentorder/", {"q": second.number}).content.decode()
    assert order.order_id in listing
    assert f"{first.number}" in listing and "10,01 €" in listing and "5,49 €" in listing
    detail = client.get(f"/admin/onlinepay/paymentorder/{order.pk}/change/").content.decode()
    assert "Sutarčių dalys" in detail or "sutarčių dalys" in detail.lower()
    assert first.number in detail and second.number in detail
    for payment in Payment.objects.filter(source="online"):
        assert f"/admin/payments/payment/{payment.pk}/" in detail or str(payment) in detail
