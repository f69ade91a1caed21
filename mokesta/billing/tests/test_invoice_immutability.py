"""An issued invoice never changes and is never deleted; only its PDF is stored later."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from mokesta.billing.models import Invoice, InvoiceLine, IssuedDocumentError
from mokesta.billing.run import bill_period
from mokesta.billing.tests.conftest import add_meter, at, make_contract


@pytest.fixture
def invoice(tariffs: None) -> Invoice:
    add_meter(make_contract(), readings={"2026-11": 110})
    with time_machine.travel(at("2026-12-03"), tick=False):
        bill_period(month=dt.date(2026, 11, 1))
    return Invoice.objects.get()


def test_it_refuses_to_change_an_issued_invoice(invoice: Invoice) -> None:
    invoice.total = Decimal("1.00")
    with pytest.raises(IssuedDocumentError):
        invoice.save()
    with pytest.raises(IssuedDocumentError):
        Invoice.objects.filter(pk=invoice.pk).update(total=Decimal("1.00"))
    assert Invoice.objects.get().total != Decimal("1.00")


def test_it_refuses_to_delete_an_issued_invoice(invoice: Invoice) -> None:
    with pytest.raises(IssuedDocumentError):
        invoice.delete()
    with pytest.raises(IssuedDocumentError):
        Invoice.objects.all().delete()
    assert Invoice.objects.count() == 1


def test_it_refuses_to_change_or_delete_a_line(invoice: Invoice) -> None:
    line = invoice.lines.all()[0]
    line.net = Decimal("0")
    with pytest.raises(IssuedDocumentError):
        line.save()
    with pytest.raises(IssuedDocumentError):
        line.delete()
    with pytest.raises(IssuedDocumentError):
        InvoiceLine.objects.all().delete()
    assert InvoiceLine.objects.count() == 3


def test_it_lets_the_pdf_be_stored_after_issue(invoice: Invoice) -> None:
    invoice.pdf = b"%PDF-1.7 test"
    invoice.save(update_fields=["pdf"])
    assert Invoice.objects.get().pdf == b"%PDF-1.7 test"
