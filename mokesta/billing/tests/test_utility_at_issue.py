"""Whatever is issued reads the utility's row from the database at that moment: an invoice, a
credit note, the PDF, the i.SAF file and the e-mail issued seconds after staff changed the series
or the IBAN (in another process: this one's 30-second copy for page chrome still holds the old
ones) carry the new ones."""

import datetime as dt
import io

import pytest
import time_machine
from pypdf import PdfReader

from mokesta.billing.credit_notes import issue_credit_note
from mokesta.billing.delivery import invoice_context
from mokesta.billing.isaf import write_isaf
from mokesta.billing.pdf import render_invoice_pdf
from mokesta.billing.tests.conftest import add_meter, at, bill, invoice_of, make_contract
from mokesta.customers.models import Contract
from mokesta.outbox.models import OutgoingMessage
from mokesta.outbox.sending import render_sms
from mokesta.utility.models import Utility

OLD_IBAN, NEW_IBAN = "LT407300010012345678", "LT121000011101001000"


@pytest.fixture
def utility(db: None) -> Utility:
    return Utility.objects.create(
        name="VšĮ Velžio komunalinis ūkis",
        short_name="Velžio komunalinis ūkis",
        company_code="168547123",
        iban=OLD_IBAN,
        invoice_series="VKU",
    )


@pytest.fixture
def household(utility: Utility, tariffs: None) -> Contract:
    contract = make_contract("H-1")
    add_meter(contract, readings={"2026-10": 110, "2026-11": 116})
    return contract


def changed_elsewhere(utility: Utility, **fields: str) -> None:
    """Staff save the utility in another process: this process's chrome copy is still warm."""
    assert Utility.current().invoice_series == utility.invoice_series  # the copy is warm
    Utility.objects.filter(pk=utility.pk).update(**fields)
    assert Utility.current().invoice_series == utility.invoice_series  # and stays old (30 s)


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_the_billing_run_numbers_from_the_series_just_saved(
    utility: Utility, household: Contract
) -> None:
    changed_elsewhere(utility, invoice_series="VKN", iban=NEW_IBAN)
    bill("2026-11", on="2026-12-03")
    invoice = invoice_of(household, "2026-11")
    assert invoice.number == "VKN000001"
    text = text_of(render_invoice_pdf(invoice))
    assert NEW_IBAN in text and OLD_IBAN not in text


def test_a_credit_note_takes_the_series_just_saved(utility: Utility, household: Contract) -> None:
    bill("2026-11", on="2026-12-03")
    invoice = invoice_of(household, "2026-11")
    assert invoice.number == "VKU000001"
    changed_elsewhere(utility, invoice_series="VKN", vat_invoice_series="VKNPVM")
    with time_machine.travel(at("2026-12-10"), tick=False):
        note = issue_credit_note(invoice=invoice, reason="Neteisingas rodmuo")
    assert note.number == "VKN000001"


def test_the_isaf_file_names_the_company_code_just_saved(
    utility: Utility, household: Contract
) -> None:
    bill("2026-11", on="2026-12-03")
    changed_elsewhere(utility, company_code="300000001")
    out = io.BytesIO()
    write_isaf(out, month=dt.date(2026, 12, 1))
    assert b"300000001" in out.getvalue() and b"168547123" not in out.getvalue()


def test_the_invoice_message_is_signed_with_the_name_just_saved(
    utility: Utility, household: Contract
) -> None:
    # The message says what the invoice kept at issue: the name saved just before it.
    changed_elsewhere(utility, short_name="Naujas vandentiekis")
    bill("2026-11", on="2026-12-03")
    invoice = invoice_of(household, "2026-11")
    message = OutgoingMessage(
        channel=OutgoingMessage.Channel.SMS,
        recipient="+37060000000",
        template="invoice",
        context=invoice_context(invoice),
        language="lt",
    )
    assert render_sms(message).startswith("Naujas vandentiekis: sąskaita VKU000001")
