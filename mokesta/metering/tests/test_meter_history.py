import datetime as dt

from django.urls import reverse

from mokesta.testing.factories import add_readings, make_contract, make_meter


def test_the_meter_page_lists_readings_with_consumption_newest_first(client, alice):
    meter = make_meter(make_contract(user=alice), initial=100)
    add_readings(meter, last_month=dt.date(2026, 3, 1), count=3, per_month=4)
    client.force_login(alice)
    response = client.get(reverse("metering:meter", args=[meter.pk]))
    rows = response.context["rows"]
    assert [(r.period, r.value, used) for r, used in rows] == [
        (dt.date(2026, 3, 1), 112, 4),
        (dt.date(2026, 2, 1), 108, 4),
        (dt.date(2026, 1, 1), 104, 4),
    ]
    assert "2026-03" in response.content.decode()


def test_the_reading_page_shows_the_value(client, alice):
    meter = make_meter(make_contract(user=alice), initial=100)
    reading = add_readings(meter, last_month=dt.date(2026, 3, 1), count=1)[0]
    client.force_login(alice)
    response = client.get(reverse("metering:reading", args=[reading.pk]))
    assert "105" in response.content.decode()
    assert "deklaravo klientas" in response.content.decode()
