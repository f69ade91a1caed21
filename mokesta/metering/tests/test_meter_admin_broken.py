"""Staff mark a meter broken (through no fault of the customer) in the meter admin."""

import datetime as dt

import time_machine
from django.test import Client

from mokesta.accounts.models import User
from mokesta.metering.models import Meter
from mokesta.testing.factories import make_contract, make_meter

LABEL = "Sugedęs nuo (ne dėl vartotojo kaltės)"


def meter_form(meter: Meter, broken_since: str) -> dict[str, object]:
    return {
        "service_point": meter.service_point_id,
        "serial_number": meter.serial_number,
        "kind": "apartment",
        "digits": 5,
        "installed_on": "2020-01-01",
        "initial_reading": 100,
        "verified_on": "2020-01-01",
        "broken_since": broken_since,
        "readings-TOTAL_FORMS": 0,
        "readings-INITIAL_FORMS": 0,
    }


# The admin's date filters link to dates counted from today: pin the day.
@time_machine.travel(dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC), tick=False)
def test_it_marks_a_meter_broken_and_lists_and_filters_it(
    client: Client, staff: User, alice: User
) -> None:
    meter = make_meter(make_contract(user=alice))
    client.force_login(staff)

    response = client.post(
        f"/admin/metering/meter/{meter.pk}/change/", meter_form(meter, "2026-11-20")
    )
    listing = client.get("/admin/metering/meter/").content.decode()
    broken = client.get("/admin/metering/meter/?broken_since__isnull=False").content.decode()
    working = client.get("/admin/metering/meter/?broken_since__isnull=True").content.decode()

    assert response.status_code == 302
    meter.refresh_from_db()
    assert meter.broken_since == dt.date(2026, 11, 20)
    assert LABEL in listing  # the column and the filter
    assert "2026 m. lapkričio 20 d." in listing  # the column, in Lithuanian date format
    assert meter.serial_number in broken
    assert meter.serial_number not in working


def test_it_rejects_a_date_that_does_not_exist(client: Client, staff: User, alice: User) -> None:
    meter = make_meter(make_contract(user=alice))
    client.force_login(staff)

    response = client.post(
        f"/admin/metering/meter/{meter.pk}/change/", meter_form(meter, "2026-02-30")
    )

    assert response.status_code == 200
    assert "Įveskite tinkamą datą" in response.content.decode()
    meter.refresh_from_db()
    assert meter.broken_since is None
