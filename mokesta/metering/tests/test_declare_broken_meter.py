"""A meter broken through no fault of the customer is not offered for declaration: the page
says the month is billed by the norm, and a value posted for it anyway is refused next to it."""

import datetime as dt

import pytest
from django.urls import reverse

from mokesta.metering.models import Reading
from mokesta.portal.declare import DeclarationRefused, declare_readings
from mokesta.testing.factories import add_readings, make_meter

MAY = dt.date(2026, 5, 1)
APRIL = dt.date(2026, 4, 1)
BROKEN = "Šis skaitiklis sugedęs ne dėl jūsų kaltės"

pytestmark = pytest.mark.usefixtures("mid_may")


def meter_of(contract, *, broken_since=None):
    meter = make_meter(contract, initial=100, installed=dt.date(2025, 5, 1))
    add_readings(meter, last_month=APRIL, count=12, per_month=5)  # last value 160
    meter.broken_since = broken_since
    meter.save(update_fields=["broken_since"])
    return meter


def url(contract):
    return reverse("metering:declare", args=[contract.pk])


def test_it_does_not_offer_a_broken_meter_for_declaration(client, alice, contract):
    broken = meter_of(contract, broken_since=dt.date(2026, 5, 20))  # later this month
    client.force_login(alice)

    content = client.get(url(contract)).content.decode()

    assert BROKEN in content
    assert "pagal vartojimo normą" in content
    assert broken.serial_number in content
    assert f'name="meter_{broken.pk}"' not in content
    assert "Toliau: peržiūrėti kainą" not in content  # nothing to declare


def test_it_offers_the_working_meter_next_to_a_broken_one(client, alice, contract):
    working = meter_of(contract)
    broken = meter_of(contract, broken_since=dt.date(2026, 3, 1))
    client.force_login(alice)

    content = client.get(url(contract)).content.decode()

    assert f'<label for="id_meter_{working.pk}">' in content
    assert f'name="meter_{broken.pk}"' not in content
    assert BROKEN in content
    assert "Toliau: peržiūrėti kainą" in content


def test_it_offers_a_meter_that_breaks_only_next_month(client, alice, contract):
    meter = meter_of(contract, broken_since=dt.date(2026, 6, 1))
    client.force_login(alice)

    content = client.get(url(contract)).content.decode()

    assert f'name="meter_{meter.pk}"' in content
    assert BROKEN not in content


def test_it_refuses_a_value_posted_for_a_broken_meter_next_to_its_field(client, alice, contract):
    working = meter_of(contract)
    broken = meter_of(contract, broken_since=dt.date(2026, 5, 1))
    client.force_login(alice)

    response = client.post(
        url(contract),
        {"month": "2026-05-01", f"meter_{working.pk}": "165", f"meter_{broken.pk}": "170"},
    )

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert BROKEN in " ".join(errors[f"meter_{broken.pk}"])
    assert f"meter_{working.pk}" not in errors
    assert f'id="id_meter_{broken.pk}_error"' in response.content.decode()
    assert not Reading.objects.filter(period=MAY).exists()


def test_it_refuses_to_save_a_reading_of_a_broken_meter(alice, contract):
    broken = meter_of(contract, broken_since=dt.date(2026, 4, 10))

    with pytest.raises(DeclarationRefused) as refusal:
        declare_readings(user=alice, contract=contract, month=MAY, values={broken.pk: 170})

    assert refusal.value.meter_id == broken.pk
    assert not Reading.objects.filter(meter=broken, period=MAY).exists()
