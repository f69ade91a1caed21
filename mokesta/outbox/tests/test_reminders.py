import datetime as dt
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from mokesta.conftest import make_user
from mokesta.customers.models import Contract, Customer, ServicePoint
from mokesta.metering.models import Meter, Reading
from mokesta.metering.reminders import queue_reading_reminders
from mokesta.metering.tasks import send_reading_reminders
from mokesta.outbox.models import OutgoingMessage

from .conftest import link, opt_in

pytestmark = pytest.mark.django_db

VILNIUS = ZoneInfo("Europe/Vilnius")
NOVEMBER = dt.date(2026, 11, 1)
DAY_25 = dt.date(2026, 11, 25)


def make_contract(number: str, *, end_date: dt.date | None = None) -> Contract:
    customer = Customer.objects.create(name=number, payer_code=f"P-{number}", address="Velžys")
    return Contract.objects.create(
        number=number,
        customer=customer,
        start_date=dt.date(2024, 1, 1),
        end_date=end_date,
        category=Contract.Category.APARTMENT,
    )


def add_meter(contract: Contract, serial: str, **extra: object) -> Meter:
    point = ServicePoint.objects.create(contract=contract, address="Liepų g. 1")
    return Meter.objects.create(
        service_point=point,
        serial_number=serial,
        installed_on=dt.date(2024, 1, 1),
        verified_on=dt.date(2024, 1, 1),
        **extra,
    )


def declare(meter: Meter, month: dt.date = NOVEMBER) -> None:
    Reading.objects.create(meter=meter, period=month, value=10, source=Reading.Source.CUSTOMER)


def rows() -> list[tuple[str, str]]:
    return sorted(OutgoingMessage.objects.values_list("recipient", "channel"))


@pytest.fixture
def undeclared(alice) -> Contract:
    """Alice's contract, its meter without a November reading; Alice chose e-mail."""
    contract = make_contract("VKU-A")
    add_meter(contract, "A-1")
    opt_in(alice, contract, invoices_by_email=True)
    return contract


def test_it_reminds_a_user_whose_meter_has_no_reading_this_month(undeclared) -> None:
    queue_reading_reminders(today=DAY_25)
    message = OutgoingMessage.objects.get()
    assert (message.recipient, message.channel) == ("alice@example.lt", "email")
    assert message.template == "reading-reminder"
    assert message.context["contracts"] == ["VKU-A"]
    assert message.context["deadline_date"] == "2026-11-30"
    assert message.dedup_key == f"reminder:2026-11:email:{message.user_id}"


def test_it_reminds_no_user_who_opted_in_to_neither_email_nor_sms(bob, undeclared) -> None:
    # Bob has an e-mail login and even a phone, but chose neither e-mail nor SMS.
    opt_in(bob, undeclared, phone="+37061234567")
    queue_reading_reminders(today=DAY_25)
    assert rows() == [("alice@example.lt", "email")]


def test_a_user_who_chose_only_sms_gets_only_an_sms(bob, undeclared) -> None:
    opt_in(bob, undeclared, sms_opt_in=True, phone="+37069876543")
    queue_reading_reminders(today=DAY_25)
    assert rows() == [("+37069876543", "sms"), ("alice@example.lt", "email")]


def test_it_reminds_no_one_before_the_reminder_day(undeclared) -> None:
    assert queue_reading_reminders(today=dt.date(2026, 11, 24)) == []
    assert not OutgoingMessage.objects.exists()


def test_the_reminder_day_is_a_setting(undeclared, settings) -> None:
    settings.READING_REMINDER_DAY = 20
    queue_reading_reminders(today=dt.date(2026, 11, 20))
    assert rows() == [("alice@example.lt", "email")]


def test_it_does_not_remind_a_user_who_has_declared(bob) -> None:
    contract = make_contract("VKU-B")
    declare(add_meter(contract, "B-1"))
    link(bob, contract)
    queue_reading_reminders(today=DAY_25)
    assert rows() == []


def test_a_reading_for_last_month_does_not_count_for_this_month(undeclared) -> None:
    declare(Meter.objects.get(serial_number="A-1"), dt.date(2026, 10, 1))
    queue_reading_reminders(today=DAY_25)
    assert rows() == [("alice@example.lt", "email")]


def test_it_names_only_the_contracts_still_undeclared(alice, undeclared) -> None:
    declared = make_contract("VKU-C")
    declare(add_meter(declared, "C-1"))
    link(alice, declared)
    queue_reading_reminders(today=DAY_25)
    assert OutgoingMessage.objects.get().context["contracts"] == ["VKU-A"]


def test_it_sends_an_sms_too_to_users_who_accept_sms_and_gave_a_phone(alice, undeclared) -> None:
    opt_in(alice, sms_opt_in=True, phone="+37061234567")
    queue_reading_reminders(today=DAY_25)
    assert rows() == [("+37061234567", "sms"), ("alice@example.lt", "email")]


def test_it_sends_no_sms_without_opt_in_or_without_a_phone(alice, bob, undeclared) -> None:
    alice.phone = "+37061234567"  # a phone, but no SMS consent
    alice.save()
    opt_in(bob, undeclared, invoices_by_email=True, sms_opt_in=True)  # SMS consent, but no phone
    queue_reading_reminders(today=DAY_25)
    assert rows() == [("alice@example.lt", "email"), ("bob@example.lt", "email")]


def test_it_ignores_ended_contracts_removed_meters_and_inactive_users(alice, bob) -> None:
    ended = make_contract("VKU-E", end_date=dt.date(2026, 10, 31))
    add_meter(ended, "E-1")
    link(alice, ended)
    removed = make_contract("VKU-R")
    add_meter(removed, "R-1", removed_on=dt.date(2026, 11, 3))
    link(alice, removed)
    active = make_contract("VKU-I")
    add_meter(active, "I-1")
    bob.is_active = False
    bob.save()
    link(bob, active)
    queue_reading_reminders(today=DAY_25)
    assert rows() == []


def test_it_reminds_each_user_once_a_month(alice, undeclared) -> None:
    opt_in(alice, sms_opt_in=True, phone="+37061234567")
    queue_reading_reminders(today=DAY_25)
    queue_reading_reminders(today=dt.date(2026, 11, 26))
    queue_reading_reminders(today=dt.date(2026, 11, 30))
    assert OutgoingMessage.objects.count() == 2
    # December is a new month: a new reminder.
    queue_reading_reminders(today=dt.date(2026, 12, 27))
    assert OutgoingMessage.objects.filter(dedup_key__startswith="reminder:2026-12:").count() == 2


def test_the_command_sends_the_reminder_email_in_lithuanian(undeclared, smtp_sink) -> None:
    carol = make_user(
        "carol@example.lt", "Karolina", "Kairė", invoices_by_email=True, sms_opt_in=True
    )
    link(carol, undeclared)
    out = StringIO()
    with time_machine.travel(dt.datetime(2026, 11, 25, 8, 0, tzinfo=VILNIUS), tick=False):
        call_command("send_reading_reminders", stdout=out)
        call_command("send_reading_reminders", stdout=out)
    assert "Queued 2 reminder(s)." in out.getvalue()
    assert sorted(smtp_sink.recipients()) == ["alice@example.lt", "carol@example.lt"]
    message = next(m for m in smtp_sink.messages if m["To"] == "alice@example.lt")
    assert (
        message["Subject"].strip() == "Deklaruokite 2026-11 vandens skaitiklių rodmenis – MOKESTA"
    )
    text = message.get_body(("plain",)).get_content()
    assert "dar negavome 2026-11 vandens skaitiklių rodmenų pagal sutartį (-is) VKU-A." in text
    assert "Deklaruokite juos savitarnoje iki 2026-11-30:" in text
    assert set(OutgoingMessage.objects.values_list("state", flat=True)) == {"sent"}


def test_the_command_does_nothing_before_the_reminder_day(undeclared, smtp_sink) -> None:
    out = StringIO()
    with time_machine.travel(dt.datetime(2026, 11, 24, 23, 30, tzinfo=VILNIUS), tick=False):
        call_command("send_reading_reminders", stdout=out)
    assert "Nothing to do before day 25" in out.getvalue()
    assert smtp_sink.messages == []


def test_the_task_queues_this_months_reminders_and_they_are_sent_after_commit(
    undeclared, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    with (
        time_machine.travel(dt.datetime(2026, 11, 28, 12, 0, tzinfo=VILNIUS), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        result = send_reading_reminders.enqueue()
    assert result.return_value == 1
    assert [m.to for m in mailoutbox] == [["alice@example.lt"]]
