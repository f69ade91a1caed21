"""Outage notices: customers on the named streets who accept messages are told once by e-mail or
SMS through the outbox; the notice shows on their dashboard until it ends."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from mokesta.conftest import make_user
from mokesta.customers.outages import affected_users, affects, notify_current_outages
from mokesta.news.models import Article
from mokesta.outbox.models import OutgoingMessage
from mokesta.testing.factories import make_contract

TZ = ZoneInfo("Europe/Vilnius")


@pytest.fixture(autouse=True)
def in_may():
    with time_machine.travel(dt.datetime(2026, 5, 20, 12, 0, tzinfo=TZ), tick=False):
        yield


@pytest.fixture
def notice(db):
    return Article.objects.create(
        title="Vandens tiekimo sutrikimas Liepų gatvėje",
        slug="sutrikimas-liepu",
        body="Keičiamas vamzdis.",
        published_at=dt.datetime(2026, 5, 20, 8, 0, tzinfo=TZ),
        streets="Liepų g.\n  \nBeržų g.",
        affects_from=dt.datetime(2026, 5, 21, 9, 0, tzinfo=TZ),
        affects_until=dt.datetime(2026, 5, 21, 15, 0, tzinfo=TZ),
    )


def test_the_street_rule_ignores_case_and_spacing():
    assert affects("LIEPŲ  G. 3, Velžys", ["Liepų g."])
    assert not affects("Ąžuolų g. 3, Velžys", ["Liepų g."])
    assert not affects("Liepų g. 3", ["", "  "])


def test_customers_there_who_accept_messages_are_told_once(notice):
    there = make_user("ona@example.lt", "Ona", "Onaitė", invoices_by_email=True)
    quiet = make_user("jonas@example.lt", "Jonas", "Jonaitis")  # accepts no messages
    elsewhere = make_user("rasa@example.lt", "Rasa", "Rasaitė", invoices_by_email=True)
    make_contract(user=there, address="liepų g. 3, Velžys")
    make_contract(user=quiet, address="Beržų g. 1, Velžys")
    make_contract(user=elsewhere, address="Ąžuolų g. 5, Velžys")
    assert {u.email for u in affected_users(notice)} == {"ona@example.lt", "jonas@example.lt"}

    notify_current_outages()
    notify_current_outages()  # run again (cron): nothing new

    (message,) = OutgoingMessage.objects.filter(template="outage-notice")
    assert message.recipient == "ona@example.lt"
    assert message.dedup_key == f"outage:{notice.pk}:email:{there.pk}"
    assert message.context["from"] == "2026-05-21 09:00"


def test_an_ended_notice_is_neither_sent_nor_shown(notice, client, alice):
    make_contract(user=alice, address="Liepų g. 3, Velžys")
    client.force_login(alice)
    assert notice.title in client.get(reverse("portal:dashboard")).content.decode()
    with time_machine.travel(dt.datetime(2026, 5, 21, 15, 1, tzinfo=TZ), tick=False):
        assert notice.title not in client.get(reverse("portal:dashboard")).content.decode()
        assert notify_current_outages() == 0


def test_the_dashboard_shows_it_only_to_customers_there(notice, client, bob):
    make_contract(user=bob, address="Ąžuolų g. 5, Velžys")
    client.force_login(bob)
    assert notice.title not in client.get(reverse("portal:dashboard")).content.decode()


def test_an_interruption_must_end_after_it_starts(notice):
    notice.affects_until = notice.affects_from - dt.timedelta(hours=1)
    with pytest.raises(ValidationError, match="Sutrikimas turi baigtis vėliau, nei prasideda"):
        notice.full_clean()
