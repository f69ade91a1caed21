"""A staff member's morning in Chromium: two-factor login, statement upload, unmatched queue."""

import pytest
from django.test import override_settings
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page
from pytest_django.live_server_helper import LiveServer

from mokesta.accounts.models import User
from mokesta.bank.tests.conftest import SAMPLES, Ledger
from mokesta.conftest import PASSWORD
from mokesta.payments.models import Payment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@override_settings(ADMIN_REQUIRE_2FA=True)
def test_staff_import_a_statement_and_resolve_the_unmatched_payment(
    live_server: LiveServer, page: Page, staff: User, ledger: Ledger
) -> None:
    device = TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)
    base = live_server.url
    p = page

    p.goto(f"{base}/admin/")
    p.locator("#id_username").fill(staff.email)
    p.locator("#id_password").fill(PASSWORD)
    p.get_by_label("Autentifikavimo programėlės kodas").fill(f"{totp(device.bin_key):06d}")
    p.get_by_role("button", name="Prisijungti").click()
    p.get_by_text("MOKESTA administravimas").first.wait_for()

    p.goto(f"{base}/admin/bank/statementimport/add/")
    p.get_by_label("Išrašo failas").set_input_files(str(SAMPLES / "camt053.xml"))
    p.get_by_role("button", name="Importuoti").click()
    p.get_by_text("Įrašų: 5; priskirta automatiškai: 3, nepriskirta: 1").wait_for()

    p.goto(f"{base}/admin/payments/unmatchedpayment/")
    p.get_by_role("link", name="2026 m. lapkričio 2 d.").click()
    p.locator(".select2-selection").click()
    p.locator(".select2-search__field").fill("VKU-2018")
    p.get_by_role("option", name="VKU-2018-0007").click()
    p.get_by_role("button", name="Išsaugoti", exact=True).click()
    p.get_by_text("priskirtas sutarčiai VKU-2018-0007").wait_for()

    assert Payment.objects.get(amount="12.50").contract == ledger.by_contract_number
