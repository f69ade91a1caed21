"""A request end to end in Chromium: the customer reports a broken meter with a photo, a clerk
answers in the back office, the customer reads the answer and gets an e-mail."""

import datetime as dt
import re
from collections.abc import Iterator

import pytest
import time_machine
from playwright.sync_api import FilePayload, Page
from pytest_django.live_server_helper import LiveServer

from mokesta.accounts.models import User
from mokesta.conftest import PASSWORD
from mokesta.inquiries.models import Inquiry
from mokesta.testing.smtp import SmtpSink, smtp_sink  # noqa: F401

from .conftest import Setup, png_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def mid_month() -> Iterator[None]:
    # The clock runs here (a browser waits on it), from mid-November.
    with time_machine.travel(dt.datetime(2026, 11, 15, 12, 0, tzinfo=dt.UTC), tick=True):
        yield


def log_in(page: Page, base: str, email: str) -> None:
    page.goto(f"{base}/paskyra/login/")
    page.get_by_label("Prisijungimo vardas (el. paštas) *").fill(email)
    page.get_by_label("Slaptažodis *", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Prisijungti").click()


def test_report_a_broken_meter_and_read_the_answer(
    live_server: LiveServer,
    page: Page,
    alice: User,
    staff: User,
    home: Setup,
    smtp_sink: SmtpSink,  # noqa: F811
) -> None:
    base = live_server.url
    log_in(page, base, alice.email)
    page.get_by_role("link", name="Užklausos").first.click()
    page.get_by_role("link", name="Nauja užklausa").click()
    page.get_by_label("Sugedo skaitiklis").check()
    page.get_by_label("Jūsų žinutė *").fill("Skaitiklio stiklas įskilęs.")
    page.get_by_label(
        "Nuotraukos (JPEG ar PNG, iki 3, kiekviena ne didesnė nei 5 MB)"
    ).set_input_files(
        files=[FilePayload(name="skaitiklis.png", mimeType="image/png", buffer=png_bytes())]
    )
    page.get_by_role("button", name="Pateikti užklausą").click()
    page.get_by_role("heading", name=re.compile(r"^Užklausa Nr\. \d+$")).wait_for()
    inquiry = Inquiry.objects.get()
    page.get_by_role("link", name="Grįžti į užklausas").click()
    page.get_by_text("Pateikta").wait_for()
    assert inquiry.photos.count() == 1

    clerk = page.context.browser.new_context(locale="lt-LT")  # type: ignore[union-attr]
    admin = clerk.new_page()
    admin.goto(f"{base}/admin/inquiries/inquiry/{inquiry.pk}/change/")
    admin.locator("#id_username").fill(staff.email)
    admin.locator("#id_password").fill(PASSWORD)
    admin.get_by_role("button", name="Prisijungti").click()
    admin.locator("#id_state").select_option("in_progress")
    admin.get_by_label("Atsakymas klientui").fill("Meistras atvyks pirmadienį.")
    admin.get_by_role("button", name="Išsaugoti", exact=True).click()
    admin.locator(".messagelist").wait_for()
    clerk.close()

    page.reload()
    page.get_by_role("link", name=f"Užklausa Nr. {inquiry.pk}: Sugedo skaitiklis").click()
    page.get_by_text("Meistras atvyks pirmadienį.").wait_for()
    page.get_by_text("Vykdoma").wait_for()
    # The acknowledgement on submitting, then the answer.
    received, email = smtp_sink.messages
    assert received["To"] == alice.email
    assert f"Jūsų užklausa Nr. {inquiry.pk} gauta" in received["Subject"]
    assert email["To"] == alice.email
    assert f"Jūsų užklausa Nr. {inquiry.pk}" in email["Subject"]
    assert "Meistras atvyks pirmadienį." in email.get_body(("plain",)).get_content()  # type: ignore[union-attr]
