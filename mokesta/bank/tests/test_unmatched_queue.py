import pytest
from django.contrib.admin.models import LogEntry

from mokesta.accounts.models import User
from mokesta.bank.booking import import_statement
from mokesta.bank.models import BankTransaction
from mokesta.bank.tests.conftest import Ledger, sample
from mokesta.payments.models import Payment
from mokesta.testing.staff import accountant, admin_client, clerk  # noqa: F401

pytestmark = pytest.mark.django_db

QUEUE = "/admin/payments/unmatchedpayment/"


@pytest.fixture
def imported(ledger: Ledger) -> Ledger:
    import_statement(data=sample("camt053.xml"), filename="camt053.xml")
    return ledger


def unmatched() -> Payment:
    return Payment.objects.get(contract__isnull=True)


def test_the_queue_lists_only_unmatched_payments(clerk: User, imported: Ledger) -> None:  # noqa: F811
    html = admin_client(clerk).get(QUEUE).content.decode()

    assert "Nežinomas Mokėtojas" in html
    assert "ONA KAZLAUSKIENĖ" not in html


def test_a_clerk_assigns_a_contract(clerk: User, imported: Ledger) -> None:  # noqa: F811
    payment = unmatched()
    client = admin_client(clerk)

    response = client.post(
        f"{QUEUE}{payment.pk}/change/", {"contract": imported.by_contract_number.pk}
    )

    assert response.status_code == 302
    assert response["Location"] == QUEUE
    payment.refresh_from_db()
    assert payment.contract == imported.by_contract_number
    assert payment.bank_transaction.state == BankTransaction.State.ASSIGNED
    entry = LogEntry.objects.get(object_id=str(payment.pk))
    assert entry.user == clerk
    assert entry.change_message == "Priskirta sutarčiai VKU-2018-0007."
    assert "priskirtas sutarčiai VKU-2018-0007" in client.get(QUEUE).content.decode()


def test_it_requires_a_contract(clerk: User, imported: Ledger) -> None:  # noqa: F811
    payment = unmatched()

    response = admin_client(clerk).post(f"{QUEUE}{payment.pk}/change/", {"contract": ""})

    assert "Šis laukas yra privalomas." in response.content.decode()
    payment.refresh_from_db()
    assert payment.contract is None


def test_it_refuses_an_unknown_contract(clerk: User, imported: Ledger) -> None:  # noqa: F811
    payment = unmatched()

    response = admin_client(clerk).post(f"{QUEUE}{payment.pk}/change/", {"contract": 999999})

    assert "Pasirinkite tinkamą reikšmę" in response.content.decode()
    payment.refresh_from_db()
    assert payment.contract is None


def test_an_assigned_payment_leaves_the_queue(clerk: User, imported: Ledger) -> None:  # noqa: F811
    matched = Payment.objects.get(contract=imported.by_payment_code)

    response = admin_client(clerk).post(
        f"{QUEUE}{matched.pk}/change/", {"contract": imported.by_contract_number.pk}
    )

    assert response.status_code == 302  # the admin: "no such object in this list"
    matched.refresh_from_db()
    assert matched.contract == imported.by_payment_code


def test_an_accountant_also_resolves_the_queue(accountant: User, imported: Ledger) -> None:  # noqa: F811
    payment = unmatched()

    admin_client(accountant).post(
        f"{QUEUE}{payment.pk}/change/", {"contract": imported.by_payer_code.pk}
    )

    payment.refresh_from_db()
    assert payment.contract == imported.by_payer_code
