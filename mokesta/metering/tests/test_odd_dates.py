"""Dates at the calendar's ends stored before the forms bounded them (or written by an import):
every page that reads them still answers, customer's and clerk's alike."""

import datetime as dt
from collections.abc import Iterator

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from mokesta.accounts.models import User
from mokesta.inquiries.models import Inquiry
from mokesta.metering.consumption import initial_reading_month
from mokesta.metering.models import Meter, verification_due
from mokesta.testing.factories import add_readings, make_contract, make_meter
from mokesta.testing.staff import admin_client

pytestmark = pytest.mark.django_db

FIRST, LAST = dt.date.min, dt.date.max  # 0001-01-01, 9999-12-31


@pytest.fixture(autouse=True)
def mid_month() -> Iterator[None]:
    with time_machine.travel(dt.datetime(2026, 11, 15, 10, 0, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def odd(alice: User) -> Meter:
    contract = make_contract(user=alice)
    normal = make_meter(contract)
    add_readings(normal, last_month=dt.date(2026, 10, 1), count=3)
    meter = make_meter(contract)
    Meter.objects.filter(pk=meter.pk).update(installed_on=FIRST, verified_on=LAST)
    other = make_meter(contract)
    Meter.objects.filter(pk=other.pk).update(verified_on=FIRST, removed_on=LAST, broken_since=LAST)
    Inquiry.objects.create(
        contract=contract, user=alice, topic=Inquiry.Topic.MOVING, moving_date=FIRST
    )
    Inquiry.objects.create(
        contract=contract, user=alice, topic=Inquiry.Topic.MOVING, moving_date=LAST
    )
    meter.refresh_from_db()
    return meter


def test_the_rules_that_read_a_meters_dates_stay_within_the_calendar() -> None:
    assert initial_reading_month(FIRST) == FIRST
    assert verification_due(Meter.Kind.APARTMENT, LAST) == LAST
    assert verification_due(Meter.Kind.INLET, dt.date(9998, 2, 28)) == LAST


def test_every_customer_page_answers(client: Client, alice: User, odd: Meter) -> None:
    client.force_login(alice)
    contract = odd.service_point.contract
    urls = [
        reverse("portal:dashboard"),
        reverse("metering:declare", args=[contract.pk]),
        reverse("metering:meter", args=[odd.pk]),
        reverse("metering:consumption", args=[contract.pk]),
        reverse("metering:consumption_csv", args=[contract.pk]),
        reverse("customers:contract", args=[contract.pk]),
        reverse("inquiries:new"),
        reverse("inquiries:list"),
        *[reverse("inquiries:detail", args=[i.pk]) for i in Inquiry.objects.all()],
    ]
    for url in urls:
        assert client.get(url).status_code == 200, url


def test_every_back_office_page_answers(staff: User, odd: Meter) -> None:
    client = admin_client(staff)
    urls = [
        "/admin/metering/meter/",
        f"/admin/metering/meter/{odd.pk}/change/",
        "/admin/metering/reading/",
        "/admin/inquiries/inquiry/",
        *[f"/admin/inquiries/inquiry/{i.pk}/change/" for i in Inquiry.objects.all()],
        "/admin/customers/contract/",
    ]
    for url in urls:
        assert client.get(url).status_code == 200, url
