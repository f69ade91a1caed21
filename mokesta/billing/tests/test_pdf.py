import datetime as dt
import io
import re

import pytest
import segno
import time_machine
from pypdf import PdfReader

from mokesta.billing.credit_notes import issue_credit_note
from mokesta.billing.models import Invoice
from mokesta.billing.pdf import (
    QR_MASK,
    invoice_pdf_bytes,
    payment_qr_text,
    render_invoice_pdf,
)
from mokesta.billing.tests.conftest import at, invoice_with_interest
from mokesta.testing.factories import make_contract, make_invoice, run_in_threads
from mokesta.utility.models import Utility


@pytest.fixture
def utility(db):
    return Utility.objects.create(
        name="VšĮ Velžio komunalinis ūkis",
        short_name="Velžio komunalinis ūkis",
        address="Liepų g. 1, Velžys",
        company_code="168547123",
        iban="LT407300010012345678",
        payee_code="10482",
    )


@pytest.fixture
def invoice(utility):
    contract = make_contract(name="Žydrūnė Ąžuolaitė-Šlapelienė", address="Šilų g. 5, Krekenava")
    return make_invoice(contract, month=dt.date(2026, 4, 1), total="24.20", amount_due="31.45")


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_it_renders_the_invoice_with_lithuanian_letters(invoice):
    text = text_of(render_invoice_pdf(invoice))
    for expected in [
        "Žydrūnė Ąžuolaitė-Šlapelienė",
        "Šilų g. 5, Krekenava",
        "VšĮ Velžio komunalinis ūkis",
        invoice.number,
        "2026-04",
        "31,45 €",  # amount due
        "24,20 €",  # total
        "Įmokos kodas: " + invoice.payment_code,
        "Mokėtojo kodas: " + invoice.payer_code,
        "LT407300010012345678",
        invoice.due_date.isoformat(),
        "Geriamojo vandens tiekimas",
        "Mokėtina suma",
        "PVM",
    ]:
        assert expected in text, expected


def test_the_qr_code_is_an_epc_payment_with_the_payment_code(invoice, utility):
    lines = payment_qr_text(invoice, utility).split("\n")
    assert lines[:4] == ["BCD", "002", "1", "SCT"]
    assert lines[5:8] == ["VšĮ Velžio komunalinis ūkis", "LT407300010012345678", "EUR31.45"]
    assert lines[10].split() == [invoice.payment_code, invoice.payer_code, invoice.number]


def test_the_first_rendering_is_stored_and_served_every_time(invoice, utility):
    first = invoice_pdf_bytes(invoice)
    assert first.startswith(b"%PDF")
    stored = Invoice.objects.get(pk=invoice.pk)
    assert bytes(stored.pdf) == first
    # The utility's details change later: the invoice kept its own, so even a new rendering
    # gives the same bytes, and the stored PDF is what is served.
    utility.iban = "LT121000011101001000"
    utility.save()
    assert render_invoice_pdf(Invoice.objects.get(pk=invoice.pk)) == first
    again = invoice_pdf_bytes(Invoice.objects.get(pk=invoice.pk))
    assert again == first


def test_an_already_stored_pdf_wins_over_a_new_rendering(invoice):
    Invoice.objects.filter(pk=invoice.pk).update(pdf=b"%PDF-stored")
    # `invoice` was loaded before: it renders, but the conditional update keeps the stored one.
    assert invoice_pdf_bytes(invoice) == b"%PDF-stored"


@pytest.mark.django_db(transaction=True)
def test_concurrent_first_downloads_serve_the_same_bytes(utility):
    contract = make_contract(name="Ona Kazlauskienė")
    invoice = make_invoice(contract, month=dt.date(2026, 4, 1))
    results: list[bytes] = []

    def download() -> None:
        results.append(invoice_pdf_bytes(Invoice.objects.get(pk=invoice.pk)))

    assert run_in_threads(download, 4) == []
    assert len(results) == 4
    assert len(set(results)) == 1


@pytest.mark.usefixtures("tariffs")
def test_late_payment_interest_is_a_line_without_vat_inside_the_total(utility):
    december = invoice_with_interest()
    # whitespace collapsed: a label and its amount come out on separate lines
    text = " ".join(text_of(render_invoice_pdf(december)).split())
    assert "Delspinigiai" in text
    # Outside VAT („PVM neapmokestinama"), not a 0 % supply.
    assert "Delspinigiai 1 0,5000 0,50 € 0,50 € PVM neapmokestinama" in text
    assert "0 %" not in text
    assert "21 %" in text  # the supplies keep their rate
    assert "iš jų delspinigiai (be PVM) 0,50 €" in text
    assert "Iš viso už laikotarpį 18,58 €" in text
    assert "Mokėtina suma 101,83 €" in text


@pytest.mark.usefixtures("tariffs")
def test_a_credit_note_renders_with_the_corrected_invoice_and_no_payment_details(utility):
    december = invoice_with_interest()
    with time_machine.travel(at("2027-01-10"), tick=False):
        note = issue_credit_note(invoice=december, reason="Klaidingi rodmenys – perskaičiuota")
    text = " ".join(text_of(render_invoice_pdf(note)).split())
    assert f"Kreditinė sąskaita {note.number}" in text
    assert "Mokėjimo pranešimas" not in text
    assert f"Taisoma sąskaita {december.number}, išrašyta 2027-01-04" in text
    assert "Priežastis: Klaidingi rodmenys – perskaičiuota" in text
    assert "Iš viso už laikotarpį -18,58 €" in text
    assert "iš jų delspinigiai (be PVM) -0,50 €" in text
    # Not paid by transfer: no payment code or QR details to pay it with.
    assert "Įmokos kodas" not in text
    assert "Mokėjimo rekvizitai" not in text
    assert "įskaitoma kitoje sąskaitoje" in text


def qr_modules_on_page(pdf: bytes) -> set[tuple[int, int]]:
    """The dark modules the page draws: (column, row from the bottom), one per module unit."""
    stream = PdfReader(io.BytesIO(pdf)).pages[0].get_contents()
    assert stream is not None
    content = stream.get_data().decode("latin-1")
    dark = set()
    for column, row, width in re.findall(r"(?m)^(\d+) (\d+) (\d+) 1 re$", content):
        dark |= {(int(column) + i, int(row)) for i in range(int(width))}
    return dark


def test_the_page_draws_exactly_the_payment_qr_code(invoice, utility):
    expected = segno.make(payment_qr_text(invoice, utility), error="m", micro=False, mask=QR_MASK)
    rows = list(expected.matrix_iter(border=2))
    wanted = {
        (c, len(rows) - 1 - r) for r, row in enumerate(rows) for c, dark in enumerate(row) if dark
    }
    assert qr_modules_on_page(render_invoice_pdf(invoice)) == wanted
