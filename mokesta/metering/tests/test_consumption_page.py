import csv
import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from mokesta.metering.models import Reading
from mokesta.testing.charts import bars_drawn, estimates_drawn
from mokesta.testing.factories import make_contract, make_meter


@pytest.fixture(autouse=True)
def in_june():
    tz = ZoneInfo("Europe/Vilnius")
    with time_machine.travel(dt.datetime(2026, 6, 10, 12, 0, tzinfo=tz), tick=False):
        yield


@pytest.fixture
def meter(alice):
    contract = make_contract(user=alice)
    meter = make_meter(contract, initial=100, installed=dt.date(2023, 1, 1))
    values = [
        (dt.date(2024, 5, 1), 110, "customer"),  # before the window: the base of June 2024
        (dt.date(2024, 6, 1), 117, "customer"),  # first month shown: 7 m³
        (dt.date(2026, 3, 1), 190, "customer"),
        (dt.date(2026, 4, 1), 194, "estimate"),
        (dt.date(2026, 5, 1), 205, "customer"),
    ]
    for period, value, source in values:
        Reading.objects.create(meter=meter, period=period, value=value, source=source)
    return meter


def test_it_shows_24_months_as_svg_and_table(client, alice, meter):
    client.force_login(alice)
    response = client.get(reverse("metering:consumption", args=[meter.service_point.contract.pk]))
    months = response.context["meters"][0][1]
    assert len(months) == 24
    assert (months[0].month, months[0].m3) == (dt.date(2024, 7, 1), None)
    by_month = {m.month: m for m in months}
    assert by_month[dt.date(2026, 3, 1)].m3 == 190 - 117  # a gap: everything since the last
    assert (by_month[dt.date(2026, 4, 1)].m3, by_month[dt.date(2026, 4, 1)].estimated) == (4, True)
    assert (by_month[dt.date(2026, 5, 1)].m3, by_month[dt.date(2026, 5, 1)].estimated) == (
        11,
        False,
    )
    assert months[-1].month == dt.date(2026, 6, 1)
    content = response.content.decode()
    # Three months with a figure, three bars (closed rectangles of the chart's paths), one of
    # them the estimate's.
    assert (bars_drawn(content), estimates_drawn(content)) == (3, 1)
    assert '<svg role="img"' in content
    assert "2026-04: 4 m³ (apskaičiuota)" in content  # the text alternative
    assert '<td>2026-05</td><td class="num">11</td>' in content


def test_it_downloads_the_same_numbers_as_csv(client, alice, meter):
    client.force_login(alice)
    response = client.get(
        reverse("metering:consumption_csv", args=[meter.service_point.contract.pk])
    )
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Skaitiklis", "Mėnuo", "Suvartojimas, m³", "Apskaičiuota"]
    assert len(rows) == 25
    assert [meter.serial_number, "2026-04", "4", "taip"] in rows
    assert [meter.serial_number, "2026-05", "11", "ne"] in rows
    assert [meter.serial_number, "2025-01", "", "ne"] in rows
