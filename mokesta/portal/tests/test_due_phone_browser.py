"""Issue 19, "done when", on a 390×844 phone with the demo data: the first screen of the dashboard
shows what is due and both actions; the payment details and the QR code wait behind a tap; after
paying (demo provider) neither the dashboard nor the invoice page asks for anything; the request
form shows only the chosen topic's part, its choices and date field at 44 px."""

import re
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from mokesta.accounts.models import User
from mokesta.billing.ledger import amount_due_now
from mokesta.billing.models import Invoice
from mokesta.customers.access import user_contracts
from mokesta.lib.dates import add_months, local_today, month_start
from mokesta.portal.tests.browser_pages import DEMO_LOGIN, load_demo, log_in
from mokesta.testing.factories import make_invoice

PHONE = {"width": 390, "height": 844}


def money(text: str) -> Decimal:
    number = re.search(r"[\d\s\u00a0.]*\d,\d\d", text)
    assert number, text
    return Decimal(re.sub(r"[\s\u00a0.]", "", number.group()).replace(",", "."))


def first_contract_with_a_debt() -> Any:
    contract = user_contracts(User.objects.get(email=DEMO_LOGIN[0])).first()
    assert contract is not None
    if amount_due_now(contract).amount < 10:  # whatever the demo data holds, something is due
        make_invoice(contract, month=add_months(month_start(local_today()), -13), total="40.00")
    return contract


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_after_paying_on_a_phone_nothing_is_asked(live_server: Any, page: Any, settings: Any):
    settings.PAYMENT_PROVIDER = "demo"
    settings.SITE_URL = live_server.url
    load_demo()
    contract = first_contract_with_a_debt()
    due = amount_due_now(contract).amount
    page.set_viewport_size(PHONE)
    log_in(page, live_server.url)

    card = page.locator("section", has=page.get_by_role("link", name=f"Sutartis {contract.number}"))
    # The first screen: what is due and both actions.
    shown = sum(money(text) for text in card.locator(".due strong").all_inner_texts())
    assert shown == due
    for item in [
        card.locator(".due").first,
        card.get_by_role("link", name="Apmokėti"),
        card.get_by_role("link", name="Deklaruoti rodmenis"),
    ]:
        box = item.bounding_box()
        assert box is not None and box["y"] + box["height"] <= PHONE["height"], item
    # The payment details and the QR code are one tap away on a phone.
    details = card.locator("details.payment-details")
    assert details.get_attribute("open") is None
    assert not card.locator(".qr-code").is_visible()
    card.get_by_text("Mokėjimo rekvizitai").click()
    card.locator(".amount-due").wait_for()
    assert money(card.locator(".amount-due").inner_text()) == due

    card.get_by_role("link", name="Apmokėti").click()
    assert money(page.get_by_label("Suma, €").input_value()) == due
    page.get_by_role("button", name="Apmokėti").click()
    page.get_by_role("button", name="Patvirtinti mokėjimą").click()
    page.get_by_text("Mokėjimas patvirtintas. Ačiū!").wait_for()

    invoice = Invoice.objects.filter(contract=contract, kind="invoice").order_by("-issue_date")[0]
    for url in [reverse("portal:dashboard"), reverse("billing:detail", args=[invoice.pk])]:
        page.goto(live_server.url + url)
        html = page.content()
        if url == reverse("portal:dashboard"):
            scope = page.locator(
                "section", has=page.get_by_role("link", name=f"Sutartis {contract.number}")
            )
        else:
            scope = page.locator("main")
        assert "Mokėti nieko nereikia." in scope.inner_text(), url
        assert scope.locator(".amount-due").count() == 0, url
        assert scope.locator(".qr-code").count() == 0, url
        assert scope.locator(".due strong").count() == 0, url
        assert "Mokėtina suma iki" not in scope.inner_text(), url
        assert html  # the page rendered


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_request_form_shows_the_chosen_topics_part(live_server: Any, page: Any):
    load_demo()
    page.set_viewport_size(PHONE)
    log_in(page, live_server.url)
    page.goto(live_server.url + reverse("inquiries:new"))
    invoice_part = page.locator("fieldset[data-topic=invoice]")
    moving_part = page.locator("fieldset[data-topic=moving]")
    assert not invoice_part.is_visible() and not moving_part.is_visible()

    page.get_by_label("Nesutinku su sąskaita").check()
    assert invoice_part.is_visible() and not moving_part.is_visible()
    page.get_by_label("Išsikraustau / atsikraustau").check()
    assert moving_part.is_visible() and not invoice_part.is_visible()

    # 44 px touch targets at 390 px, nothing wider than the phone.
    date = page.locator("input[type=date]")
    box = date.bounding_box()
    assert box["height"] >= 43.5 and box["x"] + box["width"] <= PHONE["width"]
    for label in page.locator("label.check.topic").all():
        assert label.bounding_box()["height"] >= 43.5
    select = page.locator("select[name=contract]")
    box = select.bounding_box()
    assert box["x"] + box["width"] <= PHONE["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
