"""Issue 19.6: before closing a month the clerk sees what billing it would issue — the contracts,
those to be estimated, the expected totals — and confirms by naming the month."""

import datetime as dt
from collections.abc import Callable

import pytest
import time_machine
from django.test import Client

from mokesta.accounts.models import User
from mokesta.backoffice.tests.conftest import admin_client
from mokesta.billing.models import BillingPeriod, BillingRun, Invoice
from mokesta.billing.run import bill_period, preview_period
from mokesta.metering.models import Reading
from mokesta.testing.billing import add_meter, at, make_contract, make_tariffs
from mokesta.testing.lithuanian import visible_text

NOVEMBER = dt.date(2026, 11, 1)


@pytest.fixture
def contracts(db: None) -> tuple:
    make_tariffs()
    read = make_contract("VKU-P-1")
    add_meter(read, readings={"2026-09": 100, "2026-10": 110, "2026-11": 116})
    unread = make_contract("VKU-P-2")
    add_meter(unread, readings={"2026-09": 200, "2026-10": 212})
    return read, unread


@pytest.fixture
def period(contracts: tuple) -> BillingPeriod:
    return BillingPeriod.objects.create(month=NOVEMBER)


def url(period: BillingPeriod) -> str:
    return f"/admin/billing/billingperiod/{period.pk}/bill/"


def test_the_preview_is_what_the_run_then_issues_and_writes_nothing(contracts, period):
    read, unread = contracts
    readings = Reading.objects.count()
    with time_machine.travel(at("2026-12-03"), tick=False):
        preview = preview_period(period=period)
        assert (Invoice.objects.count(), Reading.objects.count()) == (0, readings)
        assert BillingPeriod.objects.get().state == "open"
        bill_period(month=NOVEMBER)

    invoices = Invoice.objects.all()
    assert preview.contracts == 2
    assert preview.estimated == [unread.pk]
    assert preview.net == sum(i.net for i in invoices)
    assert preview.vat == sum(i.vat for i in invoices)
    assert preview.total == sum(i.total for i in invoices)
    assert preview.total > 0


def test_the_page_shows_the_preview_before_closing(staff: User, contracts, period):
    read, unread = contracts
    with time_machine.travel(at("2026-12-03"), tick=False):
        preview = preview_period(period=period)
        text = visible_text(admin_client(staff).get(url(period)).content)

    assert "Sąskaitos būtų išrašytos 2 sutartims." in text
    assert "Be šio mėnesio rodmenų (bus apskaičiuota)" in text
    assert f"{unread.number} — {unread.customer.name}" in text
    assert f"{read.number} —" not in text
    total = f"{preview.total:.2f}".replace(".", ",")
    assert f"Iš viso (su delspinigiais) {total} €" in text
    assert "Įrašykite uždaromą mėnesį (MMMM-MM)" in text
    assert BillingPeriod.objects.get().state == "open"
    assert not BillingRun.objects.exists()


@pytest.mark.parametrize("typed", ["", "2026-10", "lapkritis"])
def test_it_refuses_to_close_without_the_month_named(staff: User, period, typed):
    with time_machine.travel(at("2026-12-03"), tick=False):
        response = admin_client(staff).post(url(period), {"month": typed})
    text = visible_text(response.content)
    assert response.status_code == 200
    expected = "Šis laukas yra privalomas." if not typed else "Įrašykite 2026-11"
    assert expected in text
    assert f'value="{typed}"' in response.content.decode()  # what was typed stays
    assert BillingPeriod.objects.get().state == "open"
    assert not BillingRun.objects.exists()


def test_it_closes_and_bills_once_the_month_is_named(
    staff: User, period, django_capture_on_commit_callbacks: Callable
):
    client = admin_client(staff)
    with (
        time_machine.travel(at("2026-12-03"), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(url(period), {"month": " 2026-11 "})
    assert response.status_code == 302
    assert BillingPeriod.objects.get().state == "closed"
    assert Invoice.objects.count() == 2
    assert BillingRun.objects.get().state == "done"


def test_a_billed_period_has_nothing_left_to_preview(staff: User, period):
    with time_machine.travel(at("2026-12-03"), tick=False):
        bill_period(month=NOVEMBER)
        text = visible_text(admin_client(staff).get(url(period)).content)
    assert "jau išrašytos sąskaitos: nėra ką išrašyti" in text


def test_the_preview_names_a_missing_tariff(staff: User, db: None):
    add_meter(make_contract("VKU-P-3"), readings={"2026-11": 110})
    period = BillingPeriod.objects.create(month=NOVEMBER)
    with time_machine.travel(at("2026-12-03"), tick=False):
        text = visible_text(admin_client(staff).get(url(period)).content)
    assert "Nėra galiojančios kainos: fee/apartment" in text


def test_the_close_action_goes_through_the_preview(staff: User, period):
    client: Client = admin_client(staff)
    response = client.post(
        "/admin/billing/billingperiod/",
        {"action": "close_periods", "_selected_action": [period.pk]},
    )
    assert response.headers["Location"] == url(period)
    assert BillingPeriod.objects.get().state == "open"
