"""Issue 8.9: the invoice list fits a 1280 px screen, with its paid / unpaid column."""

import io

import pytest
from django.core.management import call_command
from django.test import override_settings

from mokesta.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@override_settings(ADMIN_REQUIRE_2FA=False)
def test_the_invoice_list_fits_1280_px(live_server, page, staff):
    call_command("load_demo", stdout=io.StringIO())
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/admin/")
    page.locator("#id_username").fill(staff.email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Prisijungti").click()
    page.get_by_text("MOKESTA administravimas").first.wait_for()

    page.goto(f"{live_server.url}/admin/billing/invoice/")
    page.get_by_role("columnheader", name="Būsena").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    table = page.locator("#result_list").bounding_box()
    assert table["x"] + table["width"] <= 1280
    assert page.locator("#result_list td.field-state", has_text="neapmokėta").count() > 0
    assert page.locator("#result_list td.field-state", has_text="apmokėta").count() > 0
