import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from mokesta.accounts.models import User
from mokesta.backoffice.groups import ACCOUNTANT, CLERK
from mokesta.backoffice.tests.conftest import admin_client
from mokesta.customers.models import Contract, Customer, ServicePoint
from mokesta.metering.models import Meter
from mokesta.payments.models import Payment

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
    assert {"add_statementimport", "change_payment", "view_invoice"} <= accountant
    assert "change_meter" not in accountant
