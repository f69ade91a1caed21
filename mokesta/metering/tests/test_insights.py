"""Issue 8.6–8.8: a readable chart, Lithuanian figures in the declaration warning, the leak
notice on the dashboard and the verification reminder through the outbox."""

import datetime as dt
import io
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from mokesta.lib.dates import add_months
from mokesta.metering import chart
from mokesta.metering.insights import queue_verification_reminders, suspected_leaks
from mokesta.metering.models import Meter, Reading
from mokesta.outbox.models import OutgoingMessage
from mokesta.testing.charts import bars_drawn
from mokesta.testing.factories import add_readings, make_contract, make_meter, make_tariffs

VILNIUS = ZoneInfo("Europe/Vilnius")


def at(day: str):
    return time_machine.travel(
        dt.datetime.fromisoformat(day).replace(hour=12, tzinfo=VILNIUS), tick=False
    )


# The chart


def test_no_bars_before_installation_or_after_removal_and_a_labelled_axis(client, alice):
    contract = make_contract(user=alice)
    meter = make_meter(contract, initial=0, installed=dt.date(2025, 9, 10))
    add_readings(meter, last_month=dt.date(2026, 5, 1), count=9, per_month=4)
    with at("2026-06-10"):
        client.force_login(alice)
        response = client.get(reverse("metering:consumption", args=[contract.pk]))
    html = response.content.decode()
    months = response.context["meters"][0][1]
    assert [m.in_service for m in months].count(False) == 14  # 2024-07 … 2025-08
    drawn = response.context["meters"][0][2]
    assert all(bar.height == 0 for bar in drawn["bars"] if not bar.month.in_service)
    assert bars_drawn(html) == 9
    assert ">m³</text>" in html  # the axis' unit
    assert [tick.value for tick in drawn["ticks"]] == [0, 1, 2, 3, 4]
    assert ">04</text>" in html and ">2025</text>" in html  # month and year labels
    assert "neįrengtas" in html
    assert "apskaičiuota (šviesus, brūkšninis)" in html  # the legend
    # Text is 12 units in a viewBox as wide as a phone's content: 12 px at 390 px.
    assert f'viewBox="0 0 {chart.WIDTH} ' in html and 'font-size="12"' in html


def test_the_axis_top_is_a_round_number():
    months = [chart.Month(month=dt.date(2026, 1, 1), m3=37, estimated=False)]
    drawn = chart.bars(months)
    assert [t.value for t in drawn["ticks"]] == [0, 10, 20, 30, 40]


def test_removed_meters_have_no_bars_after_removal():
    months = chart.last_months(
        [],
        initial_value=0,
        until=dt.date(2026, 6, 1),
        installed_on=dt.date(2020, 1, 1),
        removed_on=dt.date(2026, 3, 15),
    )
    assert [m.month for m in months if not m.in_service] == [
        dt.date(2026, 4, 1),
        dt.date(2026, 5, 1),
        dt.date(2026, 6, 1),
    ]


# The declaration warning


def test_the_unusual_reading_warning_is_a_box_with_a_lithuanian_average_and_the_cost(client, alice):
    contract = make_contract(user=alice)
    make_tariffs()
    meter = make_meter(contract, initial=100, installed=dt.date(2025, 5, 1))
    # 12 months, 114 m³: an average of 9,50 m³ a month
    for i in range(12):
        Reading.objects.create(
            meter=meter,
            period=add_months(dt.date(2025, 5, 1), i),
            value=100 + (i + 1) * 19 // 2,
            source=Reading.Source.CUSTOMER,
        )
    last = Reading.objects.filter(meter=meter).order_by("-period").first()
    with at("2026-05-15"):
        client.force_login(alice)
        response = client.post(
            reverse("metering:declare", args=[contract.pk]),
            {"month": "2026-05-01", f"meter_{meter.pk}": str(last.value + 749)},
        )
    html = response.content.decode()
    box = re.search(r'<div class="warning-box" role="alert">(.*?)</div>', html, re.S).group(1)
    assert "9,50" in box and "9.50" not in box
    assert "Apytikslė mėnesio kaina:" in box and "€ su PVM" in box


# The leak notice


@pytest.fixture
def leaking(alice):
    contract = make_contract(user=alice)
    meter = make_meter(contract, initial=100, installed=dt.date(2024, 1, 1))
    # 2025-03 … 2026-03, 5 m³ a month: the 12-month average before April is 5 (105 → 165)
    add_readings(meter, last_month=dt.date(2026, 3, 1), count=13, per_month=5)
    Reading.objects.create(
        meter=meter, period=dt.date(2026, 4, 1), value=176, source=Reading.Source.CUSTOMER
    )  # 11 m³: more than 2 × 5
    return contract, meter


def test_the_dashboard_warns_of_a_possible_leak(client, alice, leaking):
    contract, meter = leaking
    with at("2026-05-10"):
        client.force_login(alice)
        html = client.get(reverse("portal:dashboard")).content.decode()
    assert "Galimas vandens nuotėkis — patikrinkite" in html
    assert meter.serial_number in html


def test_twice_the_average_or_less_is_no_leak(alice, leaking):
    contract, meter = leaking
    Reading.objects.filter(meter=meter, period=dt.date(2026, 4, 1)).update(value=175)  # 10 m³
    assert suspected_leaks([meter], month=dt.date(2026, 5, 1)) == set()
    Reading.objects.filter(meter=meter, period=dt.date(2026, 4, 1)).update(value=176)
    assert suspected_leaks([meter], month=dt.date(2026, 5, 1)) == {meter.pk}
    # An estimate is the average itself; a month without a reading says nothing.
    assert suspected_leaks([meter], month=dt.date(2026, 6, 1)) == set()


# The verification reminder


@pytest.fixture
def due_meter(alice):
    alice.invoices_by_email = True
    alice.sms_opt_in = True
    alice.phone = "+37061234567"
    alice.save()
    contract = make_contract(user=alice)
    meter = make_meter(contract, installed=dt.date(2020, 1, 1))
    Meter.objects.filter(pk=meter.pk).update(verified_on=dt.date(2020, 8, 1))  # due 2026-08-01
    return Meter.objects.get(pk=meter.pk)


def test_the_dashboard_shows_each_meters_verification_due_date(client, alice, due_meter):
    with at("2026-05-10"):
        client.force_login(alice)
        html = client.get(reverse("portal:dashboard")).content.decode()
    assert "Patikra iki" in html and "2026-08-01" in html


def test_a_reminder_goes_60_days_before_the_due_date_once(alice, due_meter):
    with at("2026-06-01"):  # 61 days before
        assert queue_verification_reminders(today=dt.date(2026, 6, 1)) == []
    with at("2026-06-02"):
        queued = queue_verification_reminders(today=dt.date(2026, 6, 2))
    messages = OutgoingMessage.objects.filter(pk__in=queued).order_by("channel")
    assert [m.channel for m in messages] == ["email", "sms"]
    assert all(m.template == "meter-verification" for m in messages)
    assert messages[0].dedup_key == f"verification:{due_meter.pk}:2026-08-01:email:{alice.pk}"
    # Daily runs do not repeat it (the dedup key).
    with at("2026-06-03"):
        queue_verification_reminders(today=dt.date(2026, 6, 3))
    assert OutgoingMessage.objects.filter(template="meter-verification").count() == 2


def test_no_reminder_without_opt_in_or_after_the_due_date(alice, due_meter):
    assert queue_verification_reminders(today=dt.date(2026, 8, 2)) == []
    alice.invoices_by_email = False
    alice.sms_opt_in = False
    alice.save()
    assert queue_verification_reminders(today=dt.date(2026, 7, 1)) == []


def test_the_reminder_reads_in_lithuanian(alice, due_meter, mailoutbox):
    with at("2026-07-01"):
        out = io.StringIO()
        call_command("send_verification_reminders", stdout=out)
    assert "Queued 2 reminder(s)." in out.getvalue()
    [mail] = mailoutbox
    assert mail.subject.startswith(f"Vandens skaitiklį {due_meter.serial_number} reikia patikrinti")
    assert "iki 2026-08-01" in mail.body and "Liepų g. 3, Velžys" in mail.body
