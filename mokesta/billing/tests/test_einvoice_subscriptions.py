"""Who receives e-invoices: the clerk records the bank's orders and cancellations in the back
office, the customer sees the order (or how to make one) on the contract page, and the e-mail
invoice still goes only to those who chose it."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from mokesta.accounts.models import User
from mokesta.billing.tests.conftest import add_meter, at, bill
from mokesta.customers.models import ContractAccess, EInvoiceSubscription
from mokesta.outbox.models import OutgoingMessage
from mokesta.testing.billing import make_contract
from mokesta.testing.staff import admin_client, clerk  # noqa: F401
from mokesta.utility.models import Utility

ADD = "/admin/customers/einvoicesubscription/add/"


@pytest.fixture
def utility(db: None) -> Utility:
    return Utility.objects.create(
        name="VšĮ Velžio komunalinis ūkis", short_name="Velžio komunalinis ūkis"
    )


def order(contract, **changes: object) -> dict[str, object]:
    return {
        "contract": contract.pk,
        "bank": "Swedbank",
        "payer_iban": "LT74 7300 0101 0000 0001",
        "since": "2026-11-15",
        "automatic_payment": "on",
        **changes,
    }


def test_a_clerk_records_an_order(clerk: User) -> None:  # noqa: F811
    contract = make_contract("S-1")
    response = admin_client(clerk).post(ADD, order(contract))
    assert response.status_code == 302
    (saved,) = EInvoiceSubscription.objects.all()
    assert (saved.contract, saved.bank, saved.payer_iban) == (
        contract,
        "Swedbank",
        "LT747300010100000001",
    )
    assert saved.automatic_payment and saved.since == dt.date(2026, 11, 15)
    assert saved.cancelled_on is None


def test_the_contract_page_in_the_back_office_lists_its_orders(clerk: User) -> None:  # noqa: F811
    contract = make_contract("S-1")
    EInvoiceSubscription.objects.create(contract=contract, bank="SEB", since=dt.date(2026, 1, 1))
    page = admin_client(clerk).get(f"/admin/customers/contract/{contract.pk}/change/")
    content = page.content.decode()
    assert "E. sąskaitų užsakymai" in content
    assert 'value="SEB"' in content


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"payer_iban": "LT60 7300 0101 0000 0002"},
            "payer_iban",
            "Sąskaitos numerį įrašykite IBAN formatu",
        ),
        ({"payer_iban": "DE60 7300"}, "payer_iban", "Sąskaitos numerį įrašykite IBAN formatu"),
        ({"cancelled_on": "2026-11-01"}, None, "negali būti atšauktas anksčiau"),
        ({"bank": ""}, "bank", "Šis laukas yra privalomas"),
    ],
)
def test_a_wrong_order_is_refused_next_to_the_field_and_nothing_is_saved(
    clerk: User,  # noqa: F811
    changes: dict[str, str],
    field: str | None,
    message: str,
) -> None:
    contract = make_contract("S-1")
    response = admin_client(clerk).post(ADD, order(contract, **changes))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert message in str(errors.get(field or "__all__"))
    # what was typed stays in the form
    assert response.context["adminform"].form.data["bank"] == changes.get("bank", "Swedbank")
    assert not EInvoiceSubscription.objects.exists()


def test_a_second_open_order_is_refused_until_the_first_is_cancelled(
    clerk: User,  # noqa: F811
) -> None:
    contract = make_contract("S-1")
    first = EInvoiceSubscription.objects.create(
        contract=contract, bank="SEB", since=dt.date(2026, 1, 1)
    )
    client = admin_client(clerk)
    response = client.post(ADD, order(contract))
    assert "jau turi neatšauktą e. sąskaitos užsakymą" in response.content.decode()
    first.cancelled_on = dt.date(2026, 11, 10)
    first.save()
    assert client.post(ADD, order(contract)).status_code == 302
    assert EInvoiceSubscription.objects.count() == 2


def contract_page(client, user: User, contract) -> str:
    client.force_login(user)
    with time_machine.travel(at("2026-12-07"), tick=False):
        return client.get(reverse("customers:contract", args=[contract.pk])).content.decode()


def test_the_customer_sees_the_order_and_automatic_payment(client, alice, utility) -> None:
    contract = make_contract("S-1")
    ContractAccess.objects.create(user=alice, contract=contract, via="code")
    EInvoiceSubscription.objects.create(
        contract=contract, bank="Swedbank", since=dt.date(2026, 1, 1), automatic_payment=True
    )
    page = contract_page(client, alice, contract)
    assert "E. sąskaita jūsų banke: užsakyta" in page
    assert "Swedbank" in page
    assert "Automatinis mokėjimas įjungtas" in page
    assert "Kaip užsisakyti e. sąskaitą" not in page


def test_without_automatic_payment_the_customer_is_told_to_pay(client, alice, utility) -> None:
    contract = make_contract("S-1")
    ContractAccess.objects.create(user=alice, contract=contract, via="code")
    EInvoiceSubscription.objects.create(contract=contract, bank="SEB", since=dt.date(2026, 1, 1))
    page = contract_page(client, alice, contract)
    assert "E. sąskaita jūsų banke: užsakyta" in page
    assert "Automatinis mokėjimas neįjungtas" in page


@pytest.mark.parametrize("cancelled", [None, dt.date(2026, 12, 1)])
def test_without_an_order_in_force_the_customer_reads_how_to_order_one(
    client, alice, utility, cancelled
) -> None:
    contract = make_contract("S-<1>")
    ContractAccess.objects.create(user=alice, contract=contract, via="code")
    if cancelled:
        EInvoiceSubscription.objects.create(
            contract=contract, bank="SEB", since=dt.date(2026, 1, 1), cancelled_on=cancelled
        )
    page = contract_page(client, alice, contract)
    assert "Kaip užsisakyti e. sąskaitą" in page
    assert "Pasirinkite paslaugų teikėją VšĮ Velžio komunalinis ūkis." in page
    assert "Mokėtojo kodu įrašykite sutarties numerį S-&lt;1&gt;." in page
    assert "užsakyta" not in page


@pytest.mark.parametrize(("by_email", "emails"), [(False, 0), (True, 1)])
def test_a_subscribed_customer_gets_the_email_only_if_they_chose_it(
    alice, utility, tariffs, by_email: bool, emails: int
) -> None:
    User.objects.filter(pk=alice.pk).update(invoices_by_email=by_email)
    contract = make_contract("S-1", start="2026-01-01")
    add_meter(contract, readings={"2026-10": 100, "2026-11": 110})
    ContractAccess.objects.create(user=alice, contract=contract, via="code")
    EInvoiceSubscription.objects.create(
        contract=contract, bank="Swedbank", since=dt.date(2026, 1, 1), automatic_payment=True
    )
    bill("2026-11", on="2026-12-03")
    sent = OutgoingMessage.objects.filter(channel="email", recipient=alice.email)
    assert sent.count() == emails
