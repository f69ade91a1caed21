"""The customer's month in a real browser: log in, link the README's demo contract, declare a
reading, see it in the history, download an invoice PDF."""

import io
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from mokesta.billing.models import Invoice
from mokesta.conftest import PASSWORD, make_user
from mokesta.customers.models import Contract
from mokesta.demo.management.commands.load_demo import FREE_CONTRACT
from mokesta.lib.dates import add_months, local_today, month_start
from mokesta.metering.models import Meter
from mokesta.testing.factories import make_invoice


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_new_customer_links_declares_and_downloads_an_invoice(live_server, page):
    call_command("load_demo", stdout=io.StringIO())
    make_user("jurgita@example.lt", "Jurgita", "Naujokė", rules_accepted_at=timezone.now())
    number, payer_code = FREE_CONTRACT
    contract = Contract.objects.select_related("customer").get(number=number)
    meter = Meter.objects.get(service_point__contract=contract)
    previous = meter.readings.order_by("-period").values_list("value", flat=True).first()
    new_value = (previous or meter.initial_reading) + 4

    page.goto(live_server.url + reverse("account_login"))
    page.fill("input[name=login]", "jurgita@example.lt")
    page.fill("input[name=password]", PASSWORD)
    page.locator("form:has(input[name=login]) [type=submit]").click()
    page.wait_for_url(re.compile(r"/savitarna/$"))

    page.get_by_label("Sutarties numeris").fill(number)
    page.get_by_label("Mokėtojo kodas").fill(payer_code)
    page.get_by_role("button", name="Pridėti sutartį").click()
    page.get_by_text(f"Sutartis {number} pridėta.").wait_for()

    page.get_by_role("link", name="Deklaruoti rodmenis").last.click()
    page.get_by_label(f"Skaitiklis {meter.serial_number}, rodmenys m³").fill(str(new_value))
    page.get_by_role("button", name="Toliau: peržiūrėti kainą").click()
    page.get_by_text("Iš viso su PVM").wait_for()
    page.get_by_role("button", name="Patvirtinti").click()
    page.get_by_text("Ačiū, rodmenys išsaugoti.").wait_for()

    page.get_by_role("link", name="Rodmenys", exact=True).click()
    month = month_start(local_today())
    history_row = page.locator("tr", has=page.get_by_role("link", name=f"{month:%Y-%m}"))
    assert history_row.locator("td").nth(1).inner_text() == str(new_value)

    invoice = Invoice.objects.filter(contract=contract).order_by("-issue_date").first()
    if invoice is None:  # the billing run's demo data may already have issued one
        invoice = make_invoice(
            contract, month=add_months(month, -1), total="12.34", amount_due="15.67"
        )
    page.get_by_role("link", name="Sąskaitos", exact=True).first.click()
    with page.expect_download() as download_info:
        page.get_by_role("link", name=f"Sąskaitos {invoice.number} PDF").click()
    download = download_info.value
    text = "\n".join(p.extract_text() for p in PdfReader(download.path()).pages)
    assert contract.customer.name == "Dalia Petrauskienė"
    assert "Dalia Petrauskienė" in text
    assert f"{invoice.amount_due:.2f} €".replace(".", ",") in text
