import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from mokesta.billing.models import BillingPeriod
from mokesta.billing.periods import close_period
from mokesta.metering.models import Reading
from mokesta.portal.declare import DeclarationRefused, declare_readings
from mokesta.testing.factories import add_readings, make_contract, make_meter

VILNIUS = ZoneInfo("Europe/Vilnius")
MAY = dt.date(2026, 5, 1)
APRIL = dt.date(2026, 4, 1)

pytestmark = pytest.mark.usefixtures("mid_may")


@pytest.fixture
def meter(contract):
    # Installed with the first of 12 monthly readings: the average is exactly 5 m³ a month.
    meter = make_meter(contract, initial=100, digits=5, installed=dt.date(2025, 5, 1))
    add_readings(meter, last_month=APRIL, count=12, per_month=5)  # last value 160
    return meter


def url(contract):
    return reverse("metering:declare", args=[contract.pk])


def post(client, contract, data, **extra):
    return client.post(url(contract), {"month": "2026-05-01", **data, **extra})


def field_errors(response, meter):
    return response.context["form"].errors.get(f"meter_{meter.pk}", [])


def test_it_shows_the_previous_reading_and_the_deadline(client, alice, contract, meter):
    client.force_login(alice)
    response = client.get(url(contract))
    assert response.status_code == 200
    content = response.content.decode()
    assert "160 m³" in content
    assert "2026-05-31" in content
    assert f'<label for="id_meter_{meter.pk}">' in content


# „٢٠٠" and „２００" are 200 to int(); only ASCII digits are a reading.
@pytest.mark.parametrize("value", ["12.5", "12,5", "abc", "1e3", "", "٢٠٠", "２００", "١٢", "１２"])
def test_it_rejects_a_value_that_is_not_a_whole_number(client, alice, contract, meter, value):
    client.force_login(alice)
    response = post(client, contract, {f"meter_{meter.pk}": value})
    assert response.status_code == 200
    assert not Reading.objects.filter(meter=meter, period=MAY).exists()
    if value:
        assert "sveiką skaičių" in " ".join(field_errors(response, meter))
    else:
        assert "bent vieno" in response.content.decode()


def test_it_rejects_a_negative_reading(client, alice, contract, meter):
    client.force_login(alice)
    response = post(client, contract, {f"meter_{meter.pk}": "-5"})
    assert field_errors(response, meter) == ["Rodmenys negali būti neigiami."]
    assert not Reading.objects.filter(meter=meter, period=MAY).exists()


def test_it_rejects_a_reading_below_the_previous_one(client, alice, contract, meter):
    client.force_login(alice)
    response = post(client, contract, {f"meter_{meter.pk}": "159"})
    assert "160 m³" in field_errors(response, meter)[0]
    assert "mažesni" in field_errors(response, meter)[0]
    assert not Reading.objects.filter(meter=meter, period=MAY).exists()


def test_it_rejects_more_digits_than_the_meter_has(client, alice, contract, meter):
    client.force_login(alice)
    response = post(client, contract, {f"meter_{meter.pk}": "100000"})
    assert "5" in field_errors(response, meter)[0]
    assert "skaitmen" in field_errors(response, meter)[0]
    assert not Reading.objects.filter(meter=meter, period=MAY).exists()


def test_it_rejects_a_meter_that_is_not_on_the_users_contracts(client, alice, bob, contract, meter):
    other = make_meter(make_contract(user=bob), initial=0)
    client.force_login(alice)
    response = post(
        client, contract, {f"meter_{meter.pk}": "165", f"meter_{other.pk}": "5"}, confirm="1"
    )
    assert response.status_code == 200
    assert "nėra šioje sutartyje" in response.content.decode()
    assert not Reading.objects.filter(period=MAY).exists()


def test_it_rejects_a_closed_period(client, alice, contract, meter):
    BillingPeriod.objects.create(month=MAY, state=BillingPeriod.State.CLOSED)
    client.force_login(alice)
    response = post(client, contract, {f"meter_{meter.pk}": "165"}, confirm="1")
    assert "uždarytas" in response.content.decode()
    assert not Reading.objects.filter(meter=meter, period=MAY).exists()


def test_an_open_period_row_accepts_declarations(client, alice, contract, meter):
    BillingPeriod.objects.create(month=MAY, state=BillingPeriod.State.OPEN)
    client.force_login(alice)
    post(client, contract, {f"meter_{meter.pk}": "165"}, confirm="1")
    assert Reading.objects.get(meter=meter, period=MAY).value == 165


def test_it_shows_the_cost_before_saving(client, alice, contract, meter):
    client.force_login(alice)
    response = post(client, contract, {f"meter_{meter.pk}": "170"})
    assert response.status_code == 200
    assert not Reading.objects.filter(meter=meter, period=MAY).exists()
    cost = response.context["cost"]
    # 10 m³ × (1.02 + 1.34) + 0.95 fee = 24.55 net; VAT 21 %: 2.14 + 2.81 + 0.20 = 5.15
    assert str(cost.net) == "24.55"
    assert str(cost.vat) == "5.15"
    assert str(cost.total) == "29.70"
    assert "29.70" in response.content.decode() or "29,70" in response.content.decode()


def test_a_garden_meter_costs_water_only(client, alice, contract):
    garden = make_meter(contract, initial=0, garden=True)
    client.force_login(alice)
    response = post(client, contract, {f"meter_{garden.pk}": "10"})
    cost = response.context["cost"]
    assert [line.quantity for line in cost.lines] == [10, 1]  # water, fee; no wastewater
    assert str(cost.total) == "13.49"  # 10.20 + 0.95 = 11.15 net, 2.14 + 0.20 VAT


def test_it_saves_after_confirmation(client, alice, contract, meter):
    client.force_login(alice)
    response = post(client, contract, {f"meter_{meter.pk}": "165"}, confirm="1")
    assert response.status_code == 302
    reading = Reading.objects.get(meter=meter, period=MAY)
    assert (reading.value, reading.source, reading.created_by) == (165, "customer", alice)


def test_redeclaring_in_the_same_open_period_replaces(client, alice, contract, meter):
    client.force_login(alice)
    post(client, contract, {f"meter_{meter.pk}": "165"}, confirm="1")
    post(client, contract, {f"meter_{meter.pk}": "166"}, confirm="1")
    assert list(
        Reading.objects.filter(meter=meter, period=MAY).values_list("value", flat=True)
    ) == [166]


def test_it_warns_when_consumption_is_over_three_times_the_average(client, alice, contract, meter):
    client.force_login(alice)
    # average 5 m³ a month; 16 m³ is more than 3×
    response = post(client, contract, {f"meter_{meter.pk}": "176"}, confirm="1")
    assert response.status_code == 200
    assert "vidurkį" in " ".join(response.context["form"].warnings[f"meter_{meter.pk}"])
    assert "Pažymėkite" in response.content.decode()
    assert not Reading.objects.filter(meter=meter, period=MAY).exists()
    response = post(
        client, contract, {f"meter_{meter.pk}": "176"}, confirm="1", confirm_unusual="on"
    )
    assert response.status_code == 302
    assert Reading.objects.get(meter=meter, period=MAY).value == 176


def test_it_does_not_warn_at_three_times_the_average(client, alice, contract, meter):
    client.force_login(alice)
    response = post(client, contract, {f"meter_{meter.pk}": "175"}, confirm="1")
    assert response.status_code == 302


def test_it_warns_above_the_household_cap_without_history(client, alice, contract):
    fresh = make_meter(contract, initial=0)
    client.force_login(alice)
    response = post(client, contract, {f"meter_{fresh.pk}": "31"}, confirm="1")
    assert response.status_code == 200
    assert "namų ūkiui" in " ".join(response.context["form"].warnings[f"meter_{fresh.pk}"])
    assert not Reading.objects.filter(meter=fresh).exists()


def test_a_company_has_no_household_cap(client, alice):
    company = make_contract(user=alice, category="company")
    fresh = make_meter(company, initial=0)
    client.force_login(alice)
    response = post(client, company, {f"meter_{fresh.pk}": "80"}, confirm="1")
    assert response.status_code == 302


def test_one_form_declares_every_meter_of_the_contract(client, alice, contract, meter):
    second = make_meter(contract, initial=50)
    client.force_login(alice)
    post(client, contract, {f"meter_{meter.pk}": "164", f"meter_{second.pk}": "53"}, confirm="1")
    assert dict(Reading.objects.filter(period=MAY).values_list("meter_id", "value")) == {
        meter.pk: 164,
        second.pk: 53,
    }


def test_it_refuses_a_form_of_the_previous_month_after_the_deadline(alice, client):
    contract = make_contract(user=alice)
    meter = make_meter(contract, initial=0)
    # 31 May 23:59 in Vilnius (20:59 UTC): still May.
    with time_machine.travel(dt.datetime(2026, 5, 31, 23, 59, tzinfo=VILNIUS), tick=False):
        client.force_login(alice)
        response = client.get(url(contract))
        assert response.context["month"] == MAY
        post(client, contract, {f"meter_{meter.pk}": "4"}, confirm="1")
    assert Reading.objects.get(meter=meter).period == MAY
    # 1 June 00:01 in Vilnius is still 31 May in UTC: the May form is refused.
    with time_machine.travel(dt.datetime(2026, 6, 1, 0, 1, tzinfo=VILNIUS), tick=False):
        response = post(client, contract, {f"meter_{meter.pk}": "6"}, confirm="1")
        assert response.status_code == 200
        assert "2026-05-31" in response.content.decode()
        assert response.context["month"] == dt.date(2026, 6, 1)
    assert list(Reading.objects.filter(meter=meter).values_list("period", "value")) == [(MAY, 4)]


def test_another_users_contract_is_not_found(client, bob, contract, meter):
    client.force_login(bob)
    assert client.get(url(contract)).status_code == 404
    assert post(client, contract, {f"meter_{meter.pk}": "165"}, confirm="1").status_code == 404
    assert not Reading.objects.filter(period=MAY).exists()


@pytest.mark.parametrize("month", ["", "2026-13-01", "gegužė"])
def test_it_rejects_a_broken_month_field(client, alice, contract, meter, month):
    client.force_login(alice)
    response = client.post(
        url(contract), {"month": month, f"meter_{meter.pk}": "165", "confirm": "1"}
    )
    assert response.status_code == 200
    assert "Forma pasenusi" in response.content.decode()
    assert not Reading.objects.filter(meter=meter, period=MAY).exists()


def test_it_refuses_a_contract_that_has_ended(client, alice):
    ended = make_contract(user=alice, end=dt.date(2026, 4, 30))
    meter = make_meter(ended, initial=0)
    client.force_login(alice)
    response = post(client, ended, {f"meter_{meter.pk}": "4"}, confirm="1")
    assert "Sutartis nebegalioja" in response.content.decode()
    assert not Reading.objects.filter(meter=meter).exists()


def test_correct_goes_back_to_the_form_with_the_values(client, alice, contract, meter):
    client.force_login(alice)
    response = post(client, contract, {f"meter_{meter.pk}": "170"}, edit="1")
    assert response.templates[0].name == "metering/declare.html"
    assert 'value="170"' in response.content.decode()
    assert not Reading.objects.filter(meter=meter, period=MAY).exists()


FEBRUARY = dt.date(2026, 2, 1)


@pytest.fixture
def estimated_meter(contract):
    """Actual readings up to February (150, 5 m³ a month), then two estimates that were too
    high: March 160, April 170."""
    meter = make_meter(contract, initial=100, digits=5, installed=dt.date(2025, 5, 1))
    add_readings(meter, last_month=FEBRUARY, count=10, per_month=5)
    for period, value in [(dt.date(2026, 3, 1), 160), (APRIL, 170)]:
        Reading.objects.create(meter=meter, period=period, value=value, source="estimate")
    return meter


def test_it_accepts_a_reading_below_an_estimate(client, alice, contract, estimated_meter):
    client.force_login(alice)
    page = client.get(url(contract)).content.decode()
    assert "170 m³, apskaičiuoti" in page and "150 m³" in page
    response = post(client, contract, {f"meter_{estimated_meter.pk}": "155"}, confirm="1")
    assert response.status_code == 302
    assert Reading.objects.get(meter=estimated_meter, period=MAY).value == 155


def test_it_rejects_a_reading_below_the_last_actual_reading(
    client, alice, contract, estimated_meter
):
    client.force_login(alice)
    response = post(client, contract, {f"meter_{estimated_meter.pk}": "149"}, confirm="1")
    assert response.status_code == 200
    assert "mažesni" in field_errors(response, estimated_meter)[0]
    assert "150 m³" in field_errors(response, estimated_meter)[0]
    assert not Reading.objects.filter(meter=estimated_meter, period=MAY).exists()


def test_after_estimates_it_warns_by_the_use_per_month_since_the_last_actual_reading(
    client, alice, contract, estimated_meter
):
    client.force_login(alice)
    name = f"meter_{estimated_meter.pk}"
    # 45 m³ over March to May is 15 a month: 3× the average of 5, not more (no warning,
    # although it is 25 m³ above the April estimate).
    response = post(client, contract, {name: "195"})
    assert response.context["form"].warnings == {}
    response = post(client, contract, {name: "196"})
    assert "vidurkį" in " ".join(response.context["form"].warnings[name])


def test_it_refuses_a_period_closed_by_close_period_next_to_the_field(
    client, alice, contract, meter
):
    with time_machine.travel(dt.datetime(2026, 6, 2, 9, 0, tzinfo=VILNIUS), tick=False):
        close_period(month=MAY)
    client.force_login(alice)
    response = post(client, contract, {f"meter_{meter.pk}": "165"}, confirm="1")
    assert response.status_code == 200
    assert field_errors(response, meter) == [
        "Atsiskaitymo laikotarpis 2026-05 uždarytas: jo rodmenų keisti nebegalima."
    ]
    assert f'id="id_meter_{meter.pk}_error"' in response.content.decode()
    assert not Reading.objects.filter(meter=meter, period=MAY).exists()


def test_saving_in_a_closed_period_raises_the_period_message(alice, contract, meter):
    with time_machine.travel(dt.datetime(2026, 6, 2, 9, 0, tzinfo=VILNIUS), tick=False):
        close_period(month=MAY)
    with pytest.raises(ValidationError) as refused:
        declare_readings(user=alice, contract=contract, month=MAY, values={meter.pk: 165})
    assert refused.value.code == "period_closed"
    assert not Reading.objects.filter(meter=meter, period=MAY).exists()


UTILITY_ENTERED = "Šio mėnesio rodmenis jau įvedė įmonė; jei jie neteisingi, susisiekite su mumis."


@pytest.mark.parametrize("source", [Reading.Source.STAFF, Reading.Source.REPLACEMENT])
def test_it_refuses_to_replace_a_reading_the_utility_entered(
    client, alice, staff, contract, meter, source
):
    Reading.objects.create(meter=meter, period=MAY, value=163, source=source, created_by=staff)
    client.force_login(alice)
    response = post(client, contract, {f"meter_{meter.pk}": "170"}, confirm="1")
    assert response.status_code == 200
    assert field_errors(response, meter) == [UTILITY_ENTERED]
    assert f'id="id_meter_{meter.pk}_error"' in response.content.decode()
    reading = Reading.objects.get(meter=meter, period=MAY)
    assert (reading.value, reading.source, reading.created_by) == (163, source, staff)


def test_the_form_shows_the_reading_the_utility_entered(client, alice, staff, contract, meter):
    Reading.objects.create(
        meter=meter, period=MAY, value=163, source=Reading.Source.STAFF, created_by=staff
    )
    client.force_login(alice)
    content = client.get(url(contract)).content.decode()
    assert "šį mėnesį įvedė įmonė: 163 m³" in content
    assert "nauji rodmenys juos pakeis" not in content
    assert f'name="meter_{meter.pk}" id="id_meter_{meter.pk}" value=""' in content


def test_the_other_meters_can_be_declared_beside_a_reading_the_utility_entered(
    client, alice, staff, contract, meter
):
    Reading.objects.create(
        meter=meter, period=MAY, value=163, source=Reading.Source.STAFF, created_by=staff
    )
    garden = make_meter(contract, initial=10, installed=dt.date(2026, 1, 1))
    client.force_login(alice)
    response = post(client, contract, {f"meter_{meter.pk}": "", f"meter_{garden.pk}": "12"})
    assert response.status_code == 200
    assert response.context["form"].errors == {}
    response = post(
        client, contract, {f"meter_{meter.pk}": "", f"meter_{garden.pk}": "12"}, confirm="1"
    )
    assert response.status_code == 302
    assert Reading.objects.get(meter=garden, period=MAY).value == 12
    assert Reading.objects.get(meter=meter, period=MAY).value == 163


@pytest.mark.parametrize(
    "source", [Reading.Source.STAFF, Reading.Source.REPLACEMENT, Reading.Source.ESTIMATE]
)
def test_the_service_refuses_to_replace_a_reading_the_utility_entered(
    alice, staff, contract, meter, source
):
    # As when staff enter the reading between the customer's form check and the save.
    other = make_meter(contract, initial=10, installed=dt.date(2026, 1, 1))
    Reading.objects.create(meter=meter, period=MAY, value=163, source=source, created_by=staff)
    with pytest.raises(DeclarationRefused) as refused:
        declare_readings(
            user=alice, contract=contract, month=MAY, values={meter.pk: 170, other.pk: 12}
        )
    assert (str(refused.value), refused.value.meter_id) == (UTILITY_ENTERED, meter.pk)
    assert Reading.objects.get(meter=meter, period=MAY).value == 163
    # All or nothing: the other meter's reading is not saved either.
    assert not Reading.objects.filter(meter=other, period=MAY).exists()


def test_the_service_replaces_the_customers_own_reading(alice, contract, meter):
    declare_readings(user=alice, contract=contract, month=MAY, values={meter.pk: 165})
    declare_readings(user=alice, contract=contract, month=MAY, values={meter.pk: 166})
    reading = Reading.objects.get(meter=meter, period=MAY)
    assert (reading.value, reading.source, reading.created_by) == (166, "customer", alice)
