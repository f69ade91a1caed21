"""An estimated line says „(apskaičiuota)" once: the run writes it into the issued line's
description, and the invoice page and PDF print the description as issued."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from mokesta.billing.pdf import render_invoice_pdf
from mokesta.billing.tests.conftest import add_meter, bill, invoice_of, make_contract
from mokesta.customers.models import ContractAccess
from mokesta.utility.models import Utility


@pytest.fixture
def estimated_invoice(tariffs: None):
    Utility.objects.create(
        name="VšĮ Velžio komunalinis ūkis",
        short_name="Velžio komunalinis ūkis",
        iban="LT407300010012345678",
    )
    contract = make_contract()
    add_meter(contract, readings={"2026-08": 110, "2026-09": 116})
    bill("2026-10", on="2026-11-04")  # no reading for October: estimated
    return invoice_of(contract, "2026-10")


def test_the_line_description_carries_the_mark_once(estimated_invoice) -> None:
    water = estimated_invoice.lines.get(service="water")
    assert water.estimated
    assert water.description == "Geriamojo vandens tiekimas (apskaičiuota)"


def test_the_pdf_says_estimated_once_per_line(estimated_invoice) -> None:
    pdf = render_invoice_pdf(estimated_invoice)
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    # Each estimated line once (water, wastewater); the readings block marks the estimate too.
    assert text.count("tiekimas (apskaičiuota)") == 1
    assert text.count("tvarkymas (apskaičiuota)") == 1
    assert "(apskaičiuota) (apskaičiuota)" not in text


def test_the_invoice_page_says_estimated_once_per_line(estimated_invoice, client, alice) -> None:
    ContractAccess.objects.create(user=alice, contract=estimated_invoice.contract, via="staff")
    client.force_login(alice)
    response = client.get(reverse("billing:detail", args=[estimated_invoice.pk]))
    content = response.content.decode()
    assert content.count("tiekimas (apskaičiuota)") == 1
    assert content.count("tvarkymas (apskaičiuota)") == 1
    assert "(apskaičiuota) (apskaičiuota)" not in content
