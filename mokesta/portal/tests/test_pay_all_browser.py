"""„Apmokėti viską" on a 390×844 phone with the demo data and the demo provider: both demo
contracts owe something, the summary card at the top gives the total and one button; one
payment through the demo provider pays both, each contract its own amount; afterwards nothing is
asked any more, and the first contract's amount and actions were on the first screen."""

import re
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from mokesta.accounts.models import User
from mokesta.billing.ledger import amount_due_now, balance
from mokesta.customers.access import user_contracts
from mokesta.lib.dates import add_months, local_today, month_start
from mokesta.onlinepay.models import PaymentOrder
from mokesta.payments.models import Payment
from mokesta.portal.tests.browser_pages import DEMO_LOGIN, load_demo, log_in
from mokesta.testing.factories import make_invoice

PHONE = {"width": 390, "height": 844}


def money(text: str) -> Decimal:
    number = re.search(r"[\d\s\u00a0.]*\d,\d\d", text)
    assert number, text
    return Decimal(re.sub(r"[\s\u00a0.]", "", number.group()).replace(",", "."))


def on_first_screen(item: Any) -> bool:
    box = item.bounding_box()
    return box is not None and box["y"] + box["height"] <= PHONE["height"]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_paying_all_contracts_at_once_on_a_phone(live_server: Any, page: Any, settings: Any):
    settings.PAYMENT_PROVIDER = "demo"
    settings.SITE_URL = live_server.url  # where the demo provider sends its confirmation
    load_demo()
    contracts = list(user_contracts(User.objects.get(email=DEMO_LOGIN[0])))
    assert len(contracts) == 2
    for contract in contracts:  # whatever the demo data holds, both owe something
        if amount_due_now(contract).amount < 10:
            old = add_months(month_start(local_today()), -13)
            make_invoice(contract, month=old, total="40.00")
    due = {contract.number: amount_due_now(contract).amount for contract in contracts}
    total = sum(due.values(), Decimal(0))
    online_before = Payment.objects.filter(source=Payment.Source.ONLINE).count()

    page.set_viewport_size(PHONE)
    log_in(page, live_server.url)
    summary = page.locator("section.pay-all")
    assert money(summary.get_by_role("heading").inner_text()) == total
    button = summary.get_by_role("button", name="Apmokėti viską")
    assert on_first_screen(button)
    # The summary is short: the first contract's amount and both actions stay on screen one.
    first = page.locator(
        "section", has=page.get_by_role("link", name=f"Sutartis {contracts[0].number}")
    )
    for item in [
        first.locator(".due").first,
        first.get_by_role("link", name="Apmokėti"),
        first.get_by_role("link", name="Deklaruoti rodmenis"),
    ]:
        assert on_first_screen(item), item
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    button.click()
    page.get_by_role("heading", name="Demonstracinis mokėjimas").wait_for()
    assert money(page.locator("dd", has_text="EUR").inner_text()) == total  # one payment
    page.get_by_role("button", name="Patvirtinti mokėjimą").click()
    page.get_by_text("Mokėjimas patvirtintas. Ačiū!").wait_for()
    parts = page.locator("table.order-parts tbody tr")
    assert parts.count() == 2
    for row in parts.all():
        number, amount = row.locator("td").all_inner_texts()
        assert money(amount) == due[number]
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.reload()
    page.get_by_text("Mokėjimas patvirtintas. Ačiū!").wait_for()

    order = PaymentOrder.objects.get()
    assert order.amount == total and order.contract is None
    online = Payment.objects.filter(source=Payment.Source.ONLINE)
    assert online.count() == online_before + 2
    for contract in contracts:
        assert online.get(contract=contract).amount == due[contract.number]
        assert balance(contract) <= 0

    page.goto(live_server.url + reverse("portal:dashboard"))
    assert page.locator("section.pay-all").count() == 0
    assert page.locator(".due strong").count() == 0
    assert page.get_by_text("Mokėti nieko nereikia.").count() == 2
