"""Issue 19.6 on a 390×844 phone: before closing a month the accountant sees the preview (the
contracts, the one to be estimated, the totals), a wrong month is refused next to the field
with what was typed kept, and naming the month closes and bills it."""

import datetime as dt
from collections.abc import Iterator

import pytest
import time_machine
from django.test import override_settings
from playwright.sync_api import Page
from pytest_django.live_server_helper import LiveServer

from mokesta.accounts.models import User
from mokesta.billing.models import BillingPeriod, Invoice
from mokesta.conftest import PASSWORD
from mokesta.testing.billing import add_meter, make_contract, make_tariffs

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def early_december() -> Iterator[None]:
    # The clock runs (the browser waits on it), from the morning of 3 December in Vilnius.
    with time_machine.travel(dt.datetime(2026, 12, 3, 7, 0, tzinfo=dt.UTC), tick=True):
        yield


@override_settings(ADMIN_REQUIRE_2FA=False)
def test_the_billing_preview_on_a_phone(live_server: LiveServer, page: Page, staff: User):
    make_tariffs()
    add_meter(make_contract("VKU-P-1"), readings={"2026-10": 110, "2026-11": 116})
    add_meter(make_contract("VKU-P-2"), readings={"2026-09": 200, "2026-10": 212})
    period = BillingPeriod.objects.create(month=dt.date(2026, 11, 1))

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/admin/")
    page.locator("#id_username").fill(staff.email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Prisijungti").click()
    page.get_by_text("Darbo eilės").wait_for()

    page.goto(f"{live_server.url}/admin/billing/billingperiod/{period.pk}/bill/")
    preview = page.locator(".billing-preview")
    preview.get_by_text("Sąskaitos būtų išrašytos 2 sutartims.").wait_for()
    assert preview.locator(".estimated-contracts li").all_inner_texts() == [
        "VKU-P-2 — Mokėtojas VKU-P-2, Liepų g. 3, Velžys"
    ]
    assert "€" in preview.locator(".preview-totals").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    field = page.get_by_label("Įrašykite uždaromą mėnesį (MMMM-MM)")
    button = page.get_by_role("button", name="Uždaryti 2026-11 ir išrašyti sąskaitas")
    for element in (field, button):
        box = element.bounding_box()
        assert box is not None and box["height"] >= 44 and box["x"] + box["width"] <= 390

    field.fill("2026-10")
    button.click()
    page.get_by_text("Įrašykite 2026-11 – šio laikotarpio mėnesį.").wait_for()
    assert page.get_by_label("Įrašykite uždaromą mėnesį (MMMM-MM)").input_value() == "2026-10"
    assert BillingPeriod.objects.get().state == "open"

    page.get_by_label("Įrašykite uždaromą mėnesį (MMMM-MM)").fill("2026-11")
    page.get_by_role("button", name="Uždaryti 2026-11 ir išrašyti sąskaitas").click()
    page.get_by_text("Sąskaitų išrašymas pradėtas.").wait_for()
    assert BillingPeriod.objects.get().state == "closed"
    assert Invoice.objects.count() == 2
