"""„Mokėjimo rekvizitai" on the dashboard and the invoice page (issue 8.5), the invoice's state
and readings, and one name for the document."""

import datetime as dt
import io
import re
from zoneinfo import ZoneInfo

import pytest
import segno
import time_machine
from django.urls import reverse
from pypdf import PdfReader

from mokesta.billing.payment_qr import QR_MASK, payment_qr_text
from mokesta.billing.pdf import render_invoice_pdf
from mokesta.metering.models import Reading
from mokesta.testing.factories import (
    add_readings,
    make_contract,
    make_invoice,
    make_meter,
    make_payment,
)
from mokesta.utility.models import Utility


@pytest.fixture(autouse=True)
def in_may():
    tz = ZoneInfo("Europe/Vilnius")
    with time_machine.travel(dt.datetime(2026, 5, 20, 12, 0, tzinfo=tz), tick=False):
        yield


@pytest.fixture
def utility(db):
    return Utility.objects.create(
        name="VšĮ Velžio komunalinis ūkis",
        short_name="Velžio komunalinis ūkis",
        iban="LT40 7300 0100 1234 5678",
        bank_name="Swedbank, AB",
        payee_code="10482",
    )


@pytest.fixture
def billed(alice, utility):
    contract = make_contract(user=alice)
    meter = make_meter(contract, initial=100)
    add_readings(meter, last_month=dt.date(2026, 3, 1), count=2, per_month=6)  # March: 112
    Reading.objects.create(
        meter=meter, period=dt.date(2026, 4, 1), value=118, source=Reading.Source.ESTIMATE
    )
    # The ledger's due-now rule asks for the balance, so the history backs the amount due.
    invoice = make_invoice(contract, month=dt.date(2026, 4, 1), total="31.45")
    return contract, meter, invoice


def qr_matrix_from_svg(svg: str) -> list[list[bool]]:
    return re.findall(r"<path[^>]* d=\"([^\"]+)\"", svg)


def test_the_dashboard_shows_the_payment_details_with_the_pdfs_qr(client, alice, billed):
    contract, meter, invoice = billed
    client.force_login(alice)
    html = client.get(reverse("portal:dashboard")).content.decode()
    assert "Mokėjimo rekvizitai" in html
    for text in [
        "VšĮ Velžio komunalinis ūkis",
        "LT40 7300 0100 1234 5678",
        "Swedbank, AB",
        invoice.payment_code,
        "31,45 €",
    ]:
        assert text in html, text
    # Copy buttons come with the script; without it the text stays plain and selectable.
    assert 'data-copy="LT407300010012345678"' in html and "hidden>Kopijuoti" in html
    expected = segno.make(
        payment_qr_text(invoice, Utility.current()), error="m", micro=False, mask=QR_MASK
    ).svg_inline(scale=1, border=2, omitsize=True, light="#fff", svgclass="qr-code")
    assert qr_matrix_from_svg(expected)[0] in html
    # Strict CSP coming: nothing inline.
    assert "<script>" not in html and " style=" not in html


def test_the_invoice_page_shows_state_readings_estimate_reason_and_payment(client, alice, billed):
    contract, meter, invoice = billed
    client.force_login(alice)
    url = reverse("billing:detail", args=[invoice.pk])
    html = client.get(url).content.decode()
    assert "Būsena: neapmokėta" in html
    assert "Mokėjimo rekvizitai" in html and 'class="qr-code"' in html
    assert "Mokėtina suma iki" in html and "31,45 €" in html
    row = re.search(rf"<td[^>]*>{meter.serial_number}</td>(.*?)</tr>", html, re.S).group(1)
    assert ">112<" in row and "118 (apskaičiuota)" in row and ">6<" in row
    assert f"Skaitiklio {meter.serial_number} rodmenys apskaičiuoti" in html
    assert reverse("metering:declare", args=[contract.pk]) in html

    make_payment(contract, amount="31.45", day=dt.date(2026, 5, 10))
    assert "Būsena: apmokėta" in client.get(url).content.decode()


def test_the_pdf_is_titled_like_the_page_and_lists_the_same_readings(alice, billed):
    contract, meter, invoice = billed
    text = " ".join(
        page.extract_text() for page in PdfReader(io.BytesIO(render_invoice_pdf(invoice))).pages
    )
    text = " ".join(text.split())
    assert f"Sąskaita {invoice.number}" in text
    assert "Mokėjimo pranešimas" not in text
    assert (
        f"Skaitiklis {meter.serial_number}: ankstesni 112, dabartiniai 118 (apskaičiuota), "
        "suvartota 6 m³"
    ) in text


def test_another_users_invoice_is_still_a_404(client, bob, billed):
    contract, meter, invoice = billed
    client.force_login(bob)
    assert client.get(reverse("billing:detail", args=[invoice.pk])).status_code == 404


def test_the_pick_list_tells_two_contracts_apart_by_address(client, alice):
    make_contract(user=alice, address="Liepų g. 3, Velžys")
    make_contract(user=alice, address="Beržų g. 7, Velžys")
    client.force_login(alice)
    html = client.get(reverse("metering:declare_pick")).content.decode()
    assert "Liepų g. 3, Velžys" in html and "Beržų g. 7, Velžys" in html
