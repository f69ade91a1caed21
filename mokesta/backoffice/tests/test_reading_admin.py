"""Readings typed in the back office: a closed billing period refuses them next to the month."""

import datetime as dt
from typing import TYPE_CHECKING

import pytest
from django.test import Client
from django.utils import timezone

from mokesta.accounts.models import User
from mokesta.billing.models import BillingPeriod
from mokesta.metering.models import Meter, Reading
from mokesta.testing.factories import make_contract, make_meter

from .conftest import admin_client

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse

pytestmark = pytest.mark.django_db

CLOSED = dt.date(2026, 9, 1)
OPEN = dt.date(2026, 10, 1)
REFUSED = "Atsiskaitymo laikotarpis 2026-09 uždarytas: jo rodmenų keisti nebegalima."


@pytest.fixture
def meter(db: None) -> Meter:
    BillingPeriod.objects.create(
        month=CLOSED, state=BillingPeriod.State.CLOSED, closed_at=timezone.now()
    )
    return make_meter(make_contract())


def reading_data(meter: Meter, period: dt.date, value: int) -> dict[str, str]:
    return {
        "meter": str(meter.pk),
        "period": period.isoformat(),
        "value": str(value),
        "source": Reading.Source.STAFF,
    }


def closed_reading(meter: Meter) -> Reading:
    # Written before the month was closed (the signal refuses it now): bypass it as a raw load.
    Reading.objects.bulk_create([Reading(meter=meter, period=CLOSED, value=120, source="staff")])
    return Reading.objects.get(meter=meter, period=CLOSED)


def test_it_refuses_a_new_reading_in_a_closed_month_next_to_the_month(
    clerk: User, meter: Meter
) -> None:
    response = admin_client(clerk).post(
        "/admin/metering/reading/add/", reading_data(meter, CLOSED, 130)
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["period"] == [REFUSED]
    assert not Reading.objects.exists()


def test_it_saves_a_new_reading_in_an_open_month(clerk: User, meter: Meter) -> None:
    response = admin_client(clerk).post(
        "/admin/metering/reading/add/", reading_data(meter, OPEN, 130)
    )
    assert response.status_code == 302
    reading = Reading.objects.get()
    assert (reading.period, reading.value, reading.created_by) == (OPEN, 130, clerk)


@pytest.mark.parametrize(
    ("period", "value"),
    [(CLOSED, 999), (OPEN, 120)],
    ids=["changing-the-value", "moving-it-to-an-open-month"],
)
def test_it_refuses_changing_a_reading_of_a_closed_month(
    clerk: User, meter: Meter, period: dt.date, value: int
) -> None:
    reading = closed_reading(meter)
    response = admin_client(clerk).post(
        f"/admin/metering/reading/{reading.pk}/change/", reading_data(meter, period, value)
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["period"] == [REFUSED]
    reading.refresh_from_db()
    assert (reading.period, reading.value) == (CLOSED, 120)


def test_a_reading_of_a_closed_month_cannot_be_deleted(staff: User, meter: Meter) -> None:
    reading = closed_reading(meter)
    client = admin_client(staff)
    assert client.get(f"/admin/metering/reading/{reading.pk}/delete/").status_code == 403
    assert client.post(f"/admin/metering/reading/{reading.pk}/delete/").status_code == 403
    assert Reading.objects.filter(pk=reading.pk).exists()


def inline_data(meter: Meter, reading: Reading, **changes: str) -> dict[str, str]:
    prefix = "readings"
    data = {
        "service_point": str(meter.service_point_id),
        "serial_number": meter.serial_number,
        "kind": meter.kind,
        "digits": str(meter.digits),
        "installed_on": meter.installed_on.isoformat(),
        "verified_on": meter.verified_on.isoformat(),
        "initial_reading": str(meter.initial_reading),
        f"{prefix}-TOTAL_FORMS": "1",
        f"{prefix}-INITIAL_FORMS": "1",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
        f"{prefix}-0-id": str(reading.pk),
        f"{prefix}-0-meter": str(meter.pk),
        f"{prefix}-0-period": reading.period.isoformat(),
        f"{prefix}-0-value": str(reading.value),
        f"{prefix}-0-source": reading.source,
    }
    data.update({f"{prefix}-0-{name}": value for name, value in changes.items()})
    return data


def test_the_meter_page_refuses_changing_a_reading_of_a_closed_month(
    clerk: User, meter: Meter
) -> None:
    reading = closed_reading(meter)
    response = admin_client(clerk).post(
        f"/admin/metering/meter/{meter.pk}/change/", inline_data(meter, reading, value="999")
    )
    assert response.status_code == 200
    (formset,) = [inline.formset for inline in response.context["inline_admin_formsets"]]
    assert formset.forms[0].errors["period"] == [REFUSED]
    reading.refresh_from_db()
    assert reading.value == 120


def test_an_old_meter_is_saved_when_its_closed_months_are_left_alone(
    clerk: User, meter: Meter
) -> None:
    """„Sugedęs nuo" set on a meter whose history has a closed month: the unchanged reading row
    of that month must not stop the save."""
    reading = closed_reading(meter)
    data = inline_data(meter, reading)
    data["broken_since"] = "2026-10-05"

    response = admin_client(clerk).post(f"/admin/metering/meter/{meter.pk}/change/", data)

    assert response.status_code == 302
    meter.refresh_from_db()
    assert meter.broken_since == dt.date(2026, 10, 5)
    reading.refresh_from_db()
    assert (reading.period, reading.value, reading.source) == (CLOSED, 120, "staff")


def test_a_closed_months_reading_saved_unchanged_is_not_an_error(clerk: User, meter: Meter) -> None:
    reading = closed_reading(meter)
    response = admin_client(clerk).post(
        f"/admin/metering/reading/{reading.pk}/change/", reading_data(meter, CLOSED, 120)
    )
    assert response.status_code == 302
    reading.refresh_from_db()
    assert (reading.period, reading.value) == (CLOSED, 120)


def test_the_meter_page_refuses_deleting_a_reading_of_a_closed_month(
    staff: User, meter: Meter
) -> None:
    reading = closed_reading(meter)
    response = admin_client(staff).post(
        f"/admin/metering/meter/{meter.pk}/change/", inline_data(meter, reading, DELETE="on")
    )
    assert response.status_code == 200
    (formset,) = [inline.formset for inline in response.context["inline_admin_formsets"]]
    assert formset.non_form_errors() == [REFUSED]
    assert Reading.objects.filter(pk=reading.pk).exists()


def delete_action(
    client: Client, *readings: Reading, confirmed: bool = False
) -> "_MonkeyPatchedWSGIResponse":
    data: dict[str, object] = {
        "action": "delete_selected",
        "_selected_action": [r.pk for r in readings],
    }
    if confirmed:
        data["post"] = "yes"
    return client.post("/admin/metering/reading/", data, follow=True)


@pytest.mark.parametrize("confirmed", [False, True], ids=["asking", "confirming"])
def test_delete_selected_refuses_a_selection_with_a_closed_months_reading(
    staff: User, meter: Meter, confirmed: bool
) -> None:
    locked = closed_reading(meter)
    free = Reading.objects.create(meter=meter, period=OPEN, value=130, source="staff")
    response = delete_action(admin_client(staff), free, locked, confirmed=confirmed)
    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]] == [f"Niekas neištrinta: {REFUSED}"]
    assert set(Reading.objects.values_list("pk", flat=True)) == {locked.pk, free.pk}


def test_delete_selected_deletes_readings_of_open_months(staff: User, meter: Meter) -> None:
    free = Reading.objects.create(meter=meter, period=OPEN, value=130, source="staff")
    client = admin_client(staff)
    asked = delete_action(client, free)
    assert asked.templates[0].name == "admin/delete_selected_confirmation.html"
    delete_action(client, free, confirmed=True)
    assert not Reading.objects.exists()
