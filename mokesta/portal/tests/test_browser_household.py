"""A household on a phone (390 px), end to end in Chromium: the holder invites by e-mail with the
role „Deklaruoja", the invited person opens the link from the real SMTP sink, logs in, accepts
and declares the month's reading."""

import datetime as dt
import re
from collections.abc import Iterator

import pytest
import time_machine
from playwright.sync_api import Page, ViewportSize
from pytest_django.live_server_helper import LiveServer

from mokesta.accounts.models import User
from mokesta.conftest import PASSWORD
from mokesta.customers.models import ContractAccess
from mokesta.metering.models import Reading
from mokesta.testing.factories import add_readings, make_contract, make_meter, make_tariffs
from mokesta.testing.smtp import SmtpSink, smtp_sink  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE: ViewportSize = {"width": 390, "height": 844}


@pytest.fixture(autouse=True)
def mid_month() -> Iterator[None]:
    with time_machine.travel(dt.datetime(2026, 11, 16, 10, 0, tzinfo=dt.UTC), tick=True):
        yield


def log_in(page: Page, email: str) -> None:
    page.get_by_label("Prisijungimo vardas (el. paštas) *").fill(email)
    page.get_by_label("Slaptažodis *", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Prisijungti").click()


def test_the_holder_invites_and_the_member_accepts_and_declares(
    live_server: LiveServer,
    page: Page,
    alice: User,
    bob: User,
    settings: object,
    smtp_sink: SmtpSink,  # noqa: F811
) -> None:
    base = live_server.url
    settings.SITE_URL = base  # type: ignore[attr-defined]  # the link in the mail
    make_tariffs()
    contract = make_contract(user=alice)
    meter = make_meter(contract, initial=100)
    add_readings(meter, last_month=dt.date(2026, 10, 1), count=3, per_month=5)  # last: 115

    # The holder, on a phone.
    page.set_viewport_size(PHONE)
    page.goto(f"{base}/savitarna/sutartys/{contract.pk}/")
    log_in(page, alice.email)
    page.get_by_role("heading", name="Prieiga").wait_for()
    page.get_by_label("El. pašto adresas *").fill(bob.email)
    page.get_by_label("Vaidmuo *").select_option(label="Deklaruoja")
    page.get_by_role("button", name="Siųsti kvietimą").click()
    page.get_by_text(f"Kvietimas išsiųstas adresu {bob.email}").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # The invitation, through the outbox and a real SMTP server.
    (invitation,) = [m for m in smtp_sink.messages if m["To"] == bob.email]
    assert f"Kvietimas prie sutarties {contract.number}" in invitation["Subject"]
    text = invitation.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    link = re.search(rf"{re.escape(base)}/savitarna/kvietimas/[A-Za-z0-9_-]+/", text)
    assert link is not None

    # The member, on another phone: the link asks to log in, then to accept.
    other = page.context.browser.new_context(  # type: ignore[union-attr]
        locale="lt-LT", viewport=PHONE
    )
    member = other.new_page()
    member.goto(link.group(0))
    log_in(member, bob.email)
    member.get_by_role("button", name="Priimti kvietimą").click()
    member.get_by_text(f"Sutartis {contract.number} pridėta prie jūsų paskyros.").wait_for()
    assert ContractAccess.objects.get(user=bob).role == "declare"
    # „Deklaruoja" declares, but sees no „Prieiga" form of the holder's.
    assert member.get_by_role("button", name="Siųsti kvietimą").count() == 0
    member.get_by_role("link", name="Deklaruoti rodmenis").first.click()
    member.get_by_label(re.compile(rf"Skaitiklis {meter.serial_number}, rodmenys m³")).fill("121")
    member.get_by_role("button", name="Toliau: peržiūrėti kainą").click()
    member.get_by_role("button", name="Patvirtinti").click()
    member.get_by_text("Ačiū, rodmenys išsaugoti.").wait_for()
    assert member.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    other.close()

    reading = Reading.objects.get(meter=meter, period=dt.date(2026, 11, 1))
    assert (reading.value, reading.created_by) == (121, bob)
    # The holder was told by e-mail that Bob joined.
    joined = [m for m in smtp_sink.messages if m["To"] == alice.email]
    assert any("Pasikeitė prieiga" in m["Subject"] for m in joined)
