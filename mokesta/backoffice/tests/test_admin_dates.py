"""Dates typed in the back office stay within the utility's years: from 1990-01-01 to today,
or a set number of years ahead where a date may be planned; the message is next to the field."""

import datetime as dt
from collections.abc import Iterator

import pytest
import time_machine
from django import forms
from django.contrib import admin
from django.test import RequestFactory

from mokesta.accounts.models import User
from mokesta.backoffice.dates import DateBetween
from mokesta.metering.models import Meter, Reading
from mokesta.testing.factories import make_contract

from .conftest import admin_client

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def today() -> Iterator[None]:
    with time_machine.travel(dt.datetime(2026, 11, 15, 10, 0, tzinfo=dt.UTC), tick=False):
        yield


def meter_data(**changes: str) -> dict[str, str]:
    contract = make_contract()
    data = {
        "service_point": str(contract.service_points.get().pk),
        "serial_number": "SK-NAUJAS-1",
        "kind": Meter.Kind.APARTMENT,
        "digits": "5",
        "installed_on": "2026-11-02",
        "verified_on": "2026-11-02",
        "initial_reading": "0",
        "readings-TOTAL_FORMS": "0",
        "readings-INITIAL_FORMS": "0",
        "readings-MIN_NUM_FORMS": "0",
        "readings-MAX_NUM_FORMS": "1000",
    }
    data.update(changes)
    return data


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("installed_on", "0001-01-01", "Įveskite datą nuo 1990-01-01 iki 2026-11-15."),
        ("installed_on", "2026-11-16", "Įveskite datą nuo 1990-01-01 iki 2026-11-15."),
        ("verified_on", "9999-12-31", "Įveskite datą nuo 1990-01-01 iki 2026-11-15."),
        ("removed_on", "9999-12-31", "Įveskite datą nuo 1990-01-01 iki 2027-11-15."),
        ("broken_since", "1989-12-31", "Įveskite datą nuo 1990-01-01 iki 2027-11-15."),
    ],
)
def test_a_meter_date_out_of_range_is_refused_next_to_the_field(
    staff: User, field: str, value: str, message: str
) -> None:
    response = admin_client(staff).post("/admin/metering/meter/add/", meter_data(**{field: value}))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors[field] == [message]
    assert not Meter.objects.exists()


def test_a_meter_within_range_is_saved(staff: User) -> None:
    data = meter_data(removed_on="2027-11-15", broken_since="2026-12-01")
    assert admin_client(staff).post("/admin/metering/meter/add/", data).status_code == 302
    assert Meter.objects.get().installed_on == dt.date(2026, 11, 2)


def test_a_reading_of_year_9999_is_refused(staff: User) -> None:
    meter = Meter.objects.create(
        service_point=make_contract().service_points.get(),
        serial_number="SK-1",
        installed_on=dt.date(2020, 1, 1),
        verified_on=dt.date(2020, 1, 1),
    )
    data = {"meter": meter.pk, "period": "9999-12-01", "value": "10", "source": "staff"}
    response = admin_client(staff).post("/admin/metering/reading/add/", data)

    assert response.context["adminform"].form.errors["period"] == [
        "Įveskite datą nuo 1990-01-01 iki 2026-11-15."
    ]
    assert not Reading.objects.exists()


def test_every_date_field_of_every_admin_form_is_bounded(staff: User) -> None:
    request = RequestFactory().get("/admin/")
    request.user = staff
    unbounded = []
    for model, model_admin in admin.site._registry.items():
        form_classes = [model_admin.get_form(request)]
        form_classes += [
            inline.get_formset(request).form for inline in model_admin.get_inline_instances(request)
        ]
        for form_class in form_classes:
            for name, field in form_class.base_fields.items():
                if type(field) is forms.DateField and not any(
                    isinstance(v, DateBetween) for v in field.validators
                ):
                    unbounded.append(f"{model._meta.label}: {form_class.__name__}.{name}")
    assert unbounded == []
