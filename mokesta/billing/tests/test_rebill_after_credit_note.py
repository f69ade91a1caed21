"""A credited month is billed again: credit note → corrected reading → bill_period."""

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse

from mokesta.accounts.models import User
from mokesta.billing.credit_notes import issue_credit_note
from mokesta.billing.ledger import balance
from mokesta.billing.models import Invoice, IssuedDocumentError
from mokesta.billing.run import bill_period
from mokesta.billing.tests.conftest import add_meter, at, make_contract
from mokesta.metering.models import Meter, Reading
from mokesta.testing.staff import admin_client

NOVEMBER, DECEMBER = dt.date(2026, 11, 1), dt.date(2026, 12, 1)


@pytest.fixture
def meter(tariffs: None) -> Meter:
    # November was declared as 126 instead of 116: the invoice bills 16 m³ instead of 6.
    meter = add_meter(make_contract(), readings={"2026-10": 110, "2026-11": 126, "2026-12": 122})
    with time_machine.travel(at("2026-12-03"), tick=False):
        bill_period(month=NOVEMBER)
    return meter


def credit_november(meter: Meter) -> Invoice:
    wrong = Invoice.objects.get(period__month=NOVEMBER)
    with time_machine.travel(at("2026-12-05"), tick=False):
        issue_credit_note(invoice=wrong, reason="Klaidingi rodmenys")
    return wrong


def correct_november(staff: User, meter: Meter, value: int = 116) -> "_MonkeyPatchedWSGIResponse":
    reading = Reading.objects.get(meter=meter, period=NOVEMBER)
    return admin_client(staff).post(
        f"/admin/metering/reading/{reading.pk}/change/",
        {"meter": meter.pk, "period": "2026-11-01", "value": value, "source": "staff"},
    )


def test_the_credited_month_is_billed_again_from_the_corrected_reading(
    staff: User, meter: Meter
) -> None:
    wrong = Invoice.objects.get()
    assert (wrong.total, wrong.lines.all()[0].quantity) == (Decimal("46.63"), 16)
    credit_november(meter)

    assert correct_november(staff, meter).status_code == 302
    with time_machine.travel(at("2026-12-06"), tick=False):
        assert bill_period(month=NOVEMBER) == 1

    again = Invoice.objects.get(period__month=NOVEMBER, kind="invoice", credited=False)
    assert again.number == "VKU000003"  # after the invoice and its credit note: no gap
    assert again.payment_code == wrong.payment_code  # transfers with the old code still match
    assert [line.quantity for line in again.lines.all()] == [6, 6, 1]
    # what a correct first invoice would have asked: 18.08, nothing carried over
    assert (again.total, again.previous_balance, again.amount_due) == (
        Decimal("18.08"),
        Decimal("0.00"),
        Decimal("18.08"),
    )
    assert balance(meter.service_point.contract) == Decimal("18.08")
    assert Invoice.objects.get(pk=wrong.pk).credited is True


def test_the_next_month_is_billed_from_the_corrected_reading(staff: User, meter: Meter) -> None:
    credit_november(meter)
    correct_november(staff, meter)
    with time_machine.travel(at("2026-12-06"), tick=False):
        bill_period(month=NOVEMBER)
    with time_machine.travel(at("2027-01-04"), tick=False):
        bill_period(month=DECEMBER)

    december = Invoice.objects.get(period__month=DECEMBER)
    assert [line.quantity for line in december.lines.all()] == [6, 6, 1]  # 122 - 116
    assert (december.total, december.previous_balance, december.amount_due) == (
        Decimal("18.08"),
        Decimal("18.08"),
        Decimal("36.16"),
    )


def test_a_second_run_does_not_bill_the_credited_month_twice(staff: User, meter: Meter) -> None:
    credit_november(meter)
    correct_november(staff, meter)
    with time_machine.travel(at("2026-12-06"), tick=False):
        bill_period(month=NOVEMBER)
        assert bill_period(month=NOVEMBER) == 0
    assert Invoice.objects.filter(kind="invoice").count() == 2


def test_the_database_refuses_two_live_invoices_for_one_month(meter: Meter) -> None:
    wrong = Invoice.objects.get()
    wrong.pk, wrong.number, wrong.sequence = None, "VKU000099", 99
    wrong._state.adding = True
    with pytest.raises(IntegrityError), transaction.atomic():
        wrong.save()


def test_the_reading_is_locked_until_the_invoice_is_credited(staff: User, meter: Meter) -> None:
    response = correct_november(staff, meter)
    assert response.status_code == 200
    assert "period" in response.context["adminform"].form.errors
    assert Reading.objects.get(meter=meter, period=NOVEMBER).value == 126


def test_the_reading_is_locked_again_once_the_month_is_billed_again(
    staff: User, meter: Meter
) -> None:
    credit_november(meter)
    correct_november(staff, meter)
    with time_machine.travel(at("2026-12-06"), tick=False):
        bill_period(month=NOVEMBER)
    assert correct_november(staff, meter, value=117).status_code == 200
    assert Reading.objects.get(meter=meter, period=NOVEMBER).value == 116


def test_a_later_billed_month_keeps_the_reading_locked(staff: User, meter: Meter) -> None:
    # December's consumption starts from November's reading: credit December first.
    with time_machine.travel(at("2027-01-04"), tick=False):
        bill_period(month=DECEMBER)
    credit_november(meter)
    reading = Reading.objects.get(meter=meter, period=NOVEMBER)
    reading.value = 116
    with pytest.raises(ValidationError):
        reading.save()


def test_other_fields_of_a_credited_invoice_still_never_change(meter: Meter) -> None:
    wrong = credit_november(meter)
    with pytest.raises(IssuedDocumentError):
        Invoice.objects.filter(pk=wrong.pk).update(credited=False, total=0)
    wrong.total = Decimal(0)
    with pytest.raises(IssuedDocumentError):
        wrong.save(update_fields=["credited", "total"])


def test_a_month_billed_again_later_is_dated_the_day_it_is_billed(
    staff: User, meter: Meter
) -> None:
    # Credited in January: a normal November invoice would be dated 10 December, before the
    # credit note, and would then still count the wrong invoice in its previous balance.
    with time_machine.travel(at("2027-01-15"), tick=False):
        issue_credit_note(invoice=Invoice.objects.get(), reason="Klaidingi rodmenys")
        correct_november(staff, meter)
    with time_machine.travel(at("2027-01-16"), tick=False):
        bill_period(month=NOVEMBER)

    again = Invoice.objects.get(kind="invoice", credited=False)
    assert (again.issue_date, again.due_date) == (dt.date(2027, 1, 16), dt.date(2027, 2, 28))
    assert (again.previous_balance, again.interest, again.amount_due) == (
        Decimal("0.00"),
        Decimal("0.00"),
        Decimal("18.08"),
    )
