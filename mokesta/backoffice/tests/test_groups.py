import datetime as dt

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import Client

from mokesta.accounts.models import User
from mokesta.backoffice.groups import ACCOUNTANT, CLERK
from mokesta.backoffice.tests.conftest import admin_client
from mokesta.billing.models import BillingPeriod, BillingRun, Invoice
from mokesta.billing.run import bill_period
from mokesta.customers.models import Contract, Customer, ServicePoint
from mokesta.metering.models import Meter
from mokesta.outbox.models import OutgoingMessage
from mokesta.payments.models import Payment
from mokesta.testing.billing import add_meter, at, make_contract, make_tariffs

pytestmark = pytest.mark.django_db


@pytest.fixture
def meter(db: None) -> Meter:
    customer = Customer.objects.create(name="Ona", payer_code="39002150011", address="Liepų g. 3")
    contract = Contract.objects.create(
        number="VKU-2019-0031", customer=customer, start_date=dt.date(2020, 1, 1), category="house"
    )
    point = ServicePoint.objects.create(contract=contract, address="Liepų g. 3")
    return Meter.objects.create(
        service_point=point,
        serial_number="SK003101",
        installed_on=dt.date(2020, 1, 1),
        verified_on=dt.date(2020, 1, 1),
    )


@pytest.fixture
def payment(meter: Meter) -> Payment:
    return Payment.objects.create(
        contract=meter.service_point.contract,
        amount="25.40",
        paid_on=dt.date(2026, 11, 2),
        source=Payment.Source.CASH,
    )


def meter_form(meter: Meter, serial: str) -> dict[str, object]:
    return {
        "service_point": meter.service_point_id,
        "serial_number": serial,
        "kind": "apartment",
        "digits": 5,
        "installed_on": "2020-01-01",
        "initial_reading": 0,
        "verified_on": "2020-01-01",
        "readings-TOTAL_FORMS": 0,
        "readings-INITIAL_FORMS": 0,
    }


def test_a_clerk_cannot_change_payments(clerk: User, payment: Payment) -> None:
    client = admin_client(clerk)
    url = f"/admin/payments/payment/{payment.pk}/change/"

    response = client.post(url, {"amount": "1.00", "paid_on": "2026-11-02", "source": "cash"})

    assert not clerk.has_perm("payments.change_payment")
    assert response.status_code == 403
    payment.refresh_from_db()
    assert str(payment.amount) == "25.40"


def test_a_clerk_edits_meters(clerk: User, meter: Meter) -> None:
    client = admin_client(clerk)

    response = client.post(f"/admin/metering/meter/{meter.pk}/change/", meter_form(meter, "SK9"))

    assert response.status_code == 302
    meter.refresh_from_db()
    assert meter.serial_number == "SK9"


def test_an_accountant_cannot_edit_meters(accountant: User, meter: Meter) -> None:
    client = admin_client(accountant)

    response = client.post(f"/admin/metering/meter/{meter.pk}/change/", meter_form(meter, "SK9"))

    assert not accountant.has_perm("metering.change_meter")
    assert response.status_code == 403
    meter.refresh_from_db()
    assert meter.serial_number == "SK003101"


def test_an_accountant_changes_payments_and_sees_meters(accountant: User, payment: Payment) -> None:
    client = admin_client(accountant)

    assert client.get("/admin/metering/meter/").status_code == 200
    response = client.post(
        f"/admin/payments/payment/{payment.pk}/change/",
        {
            "contract": payment.contract_id,
            "amount": "26.00",
            "paid_on": "2026-11-02",
            "source": "cash",
        },
    )
    assert response.status_code == 302
    payment.refresh_from_db()
    assert str(payment.amount) == "26.00"


def test_neither_group_manages_users(clerk: User, accountant: User) -> None:
    for user in (clerk, accountant):
        assert admin_client(user).get("/admin/accounts/user/").status_code == 403


def test_setup_groups_is_idempotent_and_restores_permissions() -> None:
    clerk = Group.objects.get(name=CLERK)
    before = set(clerk.permissions.values_list("codename", flat=True))
    clerk.permissions.clear()

    call_command("setup_groups")
    call_command("setup_groups")

    assert set(clerk.permissions.values_list("codename", flat=True)) == before
    assert "change_unmatchedpayment" in before
    assert "change_payment" not in before
    accountant = set(
        Group.objects.get(name=ACCOUNTANT).permissions.values_list("codename", flat=True)
    )
    assert {
        "add_statementimport",
        "change_payment",
        "view_invoice",
        "run_billing",
        "issue_credit_note",
    } <= accountant
    assert "change_meter" not in accountant


@pytest.fixture
def invoice(db: None) -> Invoice:
    make_tariffs()
    contract = make_contract("VKU-2020-0007")
    add_meter(contract, readings={"2026-10": 110, "2026-11": 116})
    with time_machine.travel(at("2026-12-03"), tick=False):
        bill_period(month=dt.date(2026, 11, 1))
    return Invoice.objects.get()


def test_a_clerk_cannot_run_billing_or_issue_credit_notes(clerk: User, invoice: Invoice) -> None:
    client = admin_client(clerk)
    period = BillingPeriod.objects.create(month=dt.date(2026, 12, 1))

    assert client.post(f"/admin/billing/billingperiod/{period.pk}/bill/").status_code == 403
    response = client.post(
        f"/admin/billing/invoice/{invoice.pk}/credit-note/", {"reason": "Klaida"}
    )

    assert response.status_code == 403
    assert not clerk.has_perm("billing.run_billing")
    assert not clerk.has_perm("billing.change_tariff")
    assert not BillingRun.objects.exists()
    assert not Invoice.objects.filter(kind=Invoice.Kind.CREDIT_NOTE).exists()


def test_an_accountant_runs_billing_and_issues_credit_notes(
    accountant: User, invoice: Invoice
) -> None:
    with time_machine.travel(at("2027-01-03"), tick=False):
        client = admin_client(accountant)
        added = client.post("/admin/billing/billingperiod/add/", {"month": "2026-12-01"})
        period = BillingPeriod.objects.get(month=dt.date(2026, 12, 1))
        billed = client.post(
            f"/admin/billing/billingperiod/{period.pk}/bill/", {"month": "2026-12"}
        )
        credited = client.post(
            f"/admin/billing/invoice/{invoice.pk}/credit-note/", {"reason": "Klaidingi rodmenys"}
        )

    assert (added.status_code, billed.status_code, credited.status_code) == (302, 302, 302)
    assert BillingRun.objects.get().period == period
    assert Invoice.objects.get(kind=Invoice.Kind.CREDIT_NOTE).corrects == invoice
    assert accountant.has_perm("billing.change_tariff")
    assert not accountant.has_perm("billing.delete_tariff")


@pytest.fixture
def failed_message(db: None) -> OutgoingMessage:
    return OutgoingMessage.objects.create(
        channel=OutgoingMessage.Channel.SMS,
        recipient="+37061234567",
        template="invoice",
        dedup_key="invoice:1:sms:1",
        state=OutgoingMessage.State.FAILED,
        attempts=5,
    )


def retry(client: Client, message: OutgoingMessage) -> int:
    return client.post(
        "/admin/messaging/outgoingmessage/",
        {"action": "retry", "_selected_action": [message.pk]},
    ).status_code


def test_a_clerk_sees_the_outbox_but_cannot_send_again(
    clerk: User, failed_message: OutgoingMessage
) -> None:
    client = admin_client(clerk)

    assert client.get("/admin/messaging/outgoingmessage/").status_code == 200
    retry(client, failed_message)

    failed_message.refresh_from_db()
    assert (failed_message.state, failed_message.attempts) == ("failed", 5)


def test_an_accountant_sends_a_failed_message_again(
    accountant: User, failed_message: OutgoingMessage
) -> None:
    client = admin_client(accountant)

    assert retry(client, failed_message) == 302

    failed_message.refresh_from_db()
    assert (failed_message.state, failed_message.attempts) == ("pending", 0)
