"""„Išvykstu" on the contract page: the form, its checks next to each field, the saved period."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from mokesta.metering.models import AwayPeriod
from mokesta.testing.factories import add_readings, make_contract, make_meter

VILNIUS = dt.timezone(dt.timedelta(hours=2))
NOW = dt.datetime(2026, 11, 16, 10, 0, tzinfo=VILNIUS)

pytestmark = pytest.mark.usefixtures("_pinned")


@pytest.fixture
def _pinned():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def home(client, alice):
    contract = make_contract(user=alice)
    meter = make_meter(contract, initial=100)
    add_readings(meter, last_month=dt.date(2026, 10, 1), count=3, per_month=5)  # last: 115
    client.force_login(alice)
    return contract, meter


def post(client, contract, **fields):
    return client.post(
        reverse("customers:away", args=[contract.pk]),
        {f"away-{name}": value for name, value in fields.items()},
    )


def test_the_contract_page_links_to_the_form_with_a_field_per_meter(client, home):
    contract, meter = home
    html = client.get(reverse("customers:contract", args=[contract.pk])).content.decode()
    away = reverse("customers:away", args=[contract.pk])
    assert "Išvykstu" in html and f'href="{away}">Nurodyti išvykimo laikotarpį</a>' in html
    form = client.get(away)
    assert form.status_code == 200
    html = form.content.decode()
    assert f'<label for="id_away-meter_{meter.pk}">' in html
    assert '<label for="id_away-starts_on">' in html
    assert f'action="{away}"' in html


def test_a_holder_declares_an_away_period(client, home):
    contract, meter = home
    response = post(
        client, contract, starts_on="2026-12-01", ends_on="2027-03-31", **{f"meter_{meter.pk}": 117}
    )
    assert response.status_code == 302
    period = AwayPeriod.objects.get()
    assert (period.starts_on, period.ends_on, period.service_point) == (
        dt.date(2026, 12, 1),
        dt.date(2027, 3, 31),
        None,
    )
    assert [(r.meter, r.value) for r in period.readings.all()] == [(meter, 117)]
    page = client.get(reverse("customers:contract", args=[contract.pk])).content.decode()
    assert "2026-12-01" in page and "2027-03-31" in page


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"starts_on": "", "ends_on": "2027-01-31"}, "starts_on", "Įveskite pirmą"),
        ({"starts_on": "rytoj", "ends_on": "2027-01-31"}, "starts_on", "MMMM-MM-DD"),
        ({"starts_on": "2026-11-15", "ends_on": "2027-01-31"}, "starts_on", "praeityje"),
        ({"starts_on": "2026-12-01", "ends_on": ""}, "ends_on", "Įveskite paskutinę"),
        ({"starts_on": "2026-12-01", "ends_on": "2026-11-30"}, "ends_on", "ankstesnė"),
        ({"starts_on": "2026-12-01", "ends_on": "2027-12-01"}, "ends_on", "12 mėn."),
        ({"starts_on": "2026-12-01", "ends_on": "2027-01-31", "meter": ""}, "meter", "Įveskite"),
        (
            {"starts_on": "2026-12-01", "ends_on": "2027-01-31", "meter": "1x"},
            "meter",
            "sveiką skaičių",
        ),
        ({"starts_on": "2026-12-01", "ends_on": "2027-01-31", "meter": "114"}, "meter", "115"),
    ],
)
def test_a_wrong_value_is_refused_next_to_its_field(client, home, fields, field, message):
    contract, meter = home
    fields = {"meter": "120", **fields}
    fields[f"meter_{meter.pk}"] = fields.pop("meter")
    name = f"meter_{meter.pk}" if field == "meter" else field
    response = post(client, contract, **fields)
    assert response.status_code == 400
    errors = response.context["form"].errors[name]
    assert any(message in error for error in errors), errors
    assert f'id="id_away-{name}_error"' in response.content.decode()
    assert not AwayPeriod.objects.exists()


def test_twelve_months_are_allowed_but_not_a_day_more(client, home):
    contract, meter = home
    ok = post(
        client, contract, starts_on="2026-12-01", ends_on="2027-11-30", **{f"meter_{meter.pk}": 120}
    )
    assert ok.status_code == 302


def test_periods_of_one_contract_do_not_overlap(client, home):
    contract, meter = home
    post(
        client, contract, starts_on="2026-12-01", ends_on="2027-01-31", **{f"meter_{meter.pk}": 120}
    )
    again = post(
        client, contract, starts_on="2027-01-15", ends_on="2027-02-15", **{f"meter_{meter.pk}": 120}
    )
    assert again.status_code == 400
    assert AwayPeriod.objects.count() == 1
