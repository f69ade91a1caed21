"""The demo customer pays part of a debt with the demo provider, in a real browser: „Apmokėti"
→ „Patvirtinti mokėjimą" → the amount due drops by what was paid, the payment is listed once,
reloading the return page changes nothing, and the receipt reaches an SMTP server."""

import io
import re
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse

from mokesta.accounts.models import User
from mokesta.billing.ledger import balance
from mokesta.customers.access import user_contracts
from mokesta.demo.management.commands.load_demo import CUSTOMER_EMAIL
from mokesta.lib.dates import add_months, local_today, month_start
from mokesta.payments.models import Payment
from mokesta.testing.factories import make_invoice
from mokesta.testing.smtp import SmtpSink


def money(text: str) -> Decimal:
    """ "skola 1 234,56 €" → Decimal("1234.56")."""
    number = re.search(r"[\d\s\u00a0.]*\d,\d\d", text)
    assert number, text
    return Decimal(re.sub(r"[\s\u00a0.]", "", number.group()).replace(",", "."))


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_demo_customer_pays_online(
    live_server: Any, page: Any, settings: Any, smtp_sink: SmtpSink
) -> None:
    settings.PAYMENT_PROVIDER = "demo"
    settings.SITE_URL = live_server.url  # where the demo sends its confirmation
    call_command("load_demo", stdout=io.StringIO())
    user = User.objects.get(email=CUSTOMER_EMAIL)
    contract = user_contracts(user).first()
    assert contract is not None
    if balance(contract) < 10:  # make sure there is a debt to pay, whatever the demo data holds
        make_invoice(contract, month=add_months(month_start(local_today()), -13), total="40.00")
    due = balance(contract)
    payments_before = Payment.objects.filter(contract=contract).count()

    page.set_viewport_size({"width": 390, "height": 844})  # phone-first
    page.goto(live_server.url + reverse("account_login"))
    page.fill("input[name=login]", CUSTOMER_EMAIL)
    page.fill("input[name=password]", "Demo2026pass")
    page.locator("form:has(input[name=login]) [type=submit]").click()
    page.wait_for_url(re.compile(r"/savitarna/$"))

    card = page.locator("section", has=page.get_by_role("link", name=f"Sutartis {contract.number}"))
    assert money(card.locator(".debt").inner_text()) == due
    card.get_by_role("link", name="Apmokėti").click()
    amount = page.get_by_label("Suma, €")
    assert money(amount.input_value()) == due  # the amount due, written 12,34
    amount.fill("abc")
    page.get_by_role("button", name="Apmokėti").click()
    page.get_by_text("Įveskite sumą eurais").wait_for()
    page.get_by_label("Suma, €").fill("5,25")
    page.get_by_role("button", name="Apmokėti").click()

    page.get_by_role("heading", name="Demonstracinis mokėjimas").wait_for()
    page.get_by_role("button", name="Patvirtinti mokėjimą").click()
    page.get_by_text("Mokėjimas patvirtintas. Ačiū!").wait_for()
    return_url = page.url
    page.reload()
    page.get_by_text("Mokėjimas patvirtintas. Ačiū!").wait_for()
    page.goto(return_url)
    page.get_by_text("Mokėjimas patvirtintas. Ačiū!").wait_for()
    assert Payment.objects.filter(contract=contract).count() == payments_before + 1

    page.goto(live_server.url + reverse("portal:dashboard"))
    card = page.locator("section", has=page.get_by_role("link", name=f"Sutartis {contract.number}"))
    assert money(card.locator(".debt").inner_text()) == due - Decimal("5.25")

    card.get_by_role("link", name="Mokėjimai").click()
    rows = page.locator("tr", has_text="Mokėjimas (mokėjimas internetu)")
    assert rows.count() == 1
    assert "5,25" in rows.first.inner_text()

    receipts = [m for m in smtp_sink.messages if CUSTOMER_EMAIL in str(m["To"])]
    assert len(receipts) == 1
    assert str(receipts[0]["Subject"]).strip().startswith("Gautas 5,25 € mokėjimas")
    body = receipts[0].get_body(("plain",))
    assert body is not None and contract.number in body.get_content()
