"""„Išvykstu" outside the billing run: no reading reminders while away, reminders only to the
roles that declare, and the back office's list with its „end" action."""

import datetime as dt

import pytest
import time_machine
from django.contrib.admin.models import LogEntry
from django.urls import reverse

from mokesta.conftest import make_user
from mokesta.customers.models import ContractAccess
from mokesta.metering.models import AwayPeriod, AwayReading
from mokesta.metering.reminders import queue_reading_reminders
from mokesta.outbox.models import OutgoingMessage
from mokesta.testing.billing import add_meter, make_contract
from mokesta.testing.staff import admin_client, clerk, fresh_rate_limits  # noqa: F401

pytestmark = pytest.mark.django_db

DAY_25 = dt.date(2026, 11, 25)


@pytest.fixture
def household(alice, bob):
    contract = make_contract("VKU-A")
    meter = add_meter(contract, readings={"2026-10": 116})
    for user, role in ((alice, "holder"), (bob, "view")):
        user.invoices_by_email = True
        user.save()
        ContractAccess.objects.create(user=user, contract=contract, via="code", role=role)
    return contract, meter


def away(contract, meter, starts: str, ends: str, point=None) -> AwayPeriod:
    period = AwayPeriod.objects.create(
        contract=contract,
        service_point=point,
        starts_on=dt.date.fromisoformat(starts),
        ends_on=dt.date.fromisoformat(ends),
    )
    AwayReading.objects.create(away=period, meter=meter, value=116)
    return period


def reminded() -> list[str]:
    return sorted(
        OutgoingMessage.objects.filter(template="reading-reminder").values_list(
            "recipient", flat=True
        )
    )


def test_reminders_go_only_to_roles_that_declare(household):
    queue_reading_reminders(today=DAY_25)
    assert reminded() == ["alice@example.lt"]  # not Bob, „Peržiūra"


def test_no_reminder_while_the_household_is_away(household):
    contract, meter = household
    away(contract, meter, "2026-11-20", "2027-02-28")
    queue_reading_reminders(today=DAY_25)
    assert reminded() == []


def test_a_service_point_away_skips_only_its_meters(household):
    contract, meter = household
    garden = add_meter(contract, readings={"2026-10": 50})
    other = contract.service_points.create(address="Sodų g. 1")
    garden.service_point = other
    garden.save()
    away(contract, garden, "2026-11-01", "2027-02-28", point=other)
    queue_reading_reminders(today=DAY_25)
    assert reminded() == ["alice@example.lt"]  # for the home meter
    OutgoingMessage.objects.all().delete()
    away(contract, meter, "2026-11-24", "2026-11-30", point=meter.service_point)
    queue_reading_reminders(today=DAY_25)
    assert reminded() == []


def test_reminders_resume_after_the_away_period(household):
    contract, meter = household
    away(contract, meter, "2026-10-01", "2026-11-24")
    queue_reading_reminders(today=DAY_25)
    assert reminded() == ["alice@example.lt"]


def test_staff_see_the_periods_and_end_one(household, clerk):  # noqa: F811
    contract, meter = household
    period = away(contract, meter, "2026-11-01", "2027-02-28")
    coming = away(contract, meter, "2027-04-01", "2027-05-31")
    client = admin_client(clerk)
    changelist = reverse("admin:metering_awayperiod_changelist")
    with time_machine.travel(dt.datetime(2026, 12, 10, 10, tzinfo=dt.UTC), tick=False):
        page = client.get(changelist)
        assert page.status_code == 200
        assert contract.number in page.content.decode()
        response = client.post(
            changelist,
            {
                "action": "end_away_periods",
                "_selected_action": [period.pk, coming.pk],
            },
        )
    assert response.status_code == 302
    period.refresh_from_db()
    assert period.ends_on == dt.date(2026, 12, 10) and period.ended_at is not None
    assert not AwayPeriod.objects.filter(pk=coming.pk).exists()  # not begun: cancelled
    assert LogEntry.objects.filter(change_message__contains="ended on 2026-12-10").exists()


def test_a_viewer_of_the_back_office_cannot_end_one(household):
    from django.contrib.auth.models import Permission

    contract, meter = household
    period = away(contract, meter, "2026-11-01", "2027-02-28")
    viewer = make_user("viewer@example.lt", "Vida", "Žiūrėtoja", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_awayperiod"))
    client = admin_client(viewer)
    changelist = reverse("admin:metering_awayperiod_changelist")
    client.post(changelist, {"action": "end_away_periods", "_selected_action": [period.pk]})
    period.refresh_from_db()
    assert period.ends_on == dt.date(2027, 2, 28)
