import datetime as dt

import pytest
import time_machine
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from mokesta.billing.delivery import queue_invoice_deliveries, queue_invoice_delivery
from mokesta.billing.models import Invoice
from mokesta.billing.run import bill_period
from mokesta.outbox.models import OutgoingMessage
from mokesta.testing.billing import add_meter, at, make_tariffs
from mokesta.testing.factories import make_contract

from .conftest import link, make_invoice, opt_in

pytestmark = pytest.mark.django_db


def test_it_queues_an_email_and_an_sms_for_a_user_who_opted_into_both(
    alice, contract, django_capture_on_commit_callbacks
) -> None:
    opt_in(alice, contract, invoices_by_email=True, sms_opt_in=True, phone="+37061234567")
    invoice = make_invoice(contract)
    with django_capture_on_commit_callbacks() as callbacks:
        queue_invoice_delivery(invoice)
    rows = {m.channel: m for m in OutgoingMessage.objects.all()}
    assert set(rows) == {"email", "sms"}
    assert rows["email"].recipient == "alice@example.lt"
    assert rows["email"].dedup_key == f"invoice:{invoice.pk}:email:{alice.pk}"
    assert rows["sms"].recipient == "+37061234567"
    assert rows["sms"].dedup_key == f"invoice:{invoice.pk}:sms:{alice.pk}"
    assert rows["email"].context["amount_due"] == "24.68"
    assert rows["email"].context["due_date"] == "2026-11-30"
    assert all(m.invoice == invoice and m.user == alice for m in rows.values())
    assert all(m.state == "pending" and m.attempts == 0 for m in rows.values())
    assert len(callbacks) == 1  # one task enqueued after commit for the invoice's messages


def test_it_queues_nothing_for_users_who_did_not_opt_in(alice, contract) -> None:
    opt_in(alice, contract, invoices_by_email=False, sms_opt_in=False, phone="+37061234567")
    queue_invoice_delivery(make_invoice(contract))
    assert not OutgoingMessage.objects.exists()


def test_it_sends_no_sms_without_a_phone_number(alice, contract) -> None:
    opt_in(alice, contract, sms_opt_in=True, phone="")
    queue_invoice_delivery(make_invoice(contract))
    assert not OutgoingMessage.objects.exists()


def test_it_queues_nothing_for_users_without_access_to_the_contract(alice, bob, contract) -> None:
    opt_in(alice, invoices_by_email=True)
    opt_in(bob, contract, invoices_by_email=True)
    queue_invoice_delivery(make_invoice(contract))
    assert list(OutgoingMessage.objects.values_list("recipient", flat=True)) == ["bob@example.lt"]


def test_it_queues_nothing_for_inactive_users(alice, contract) -> None:
    opt_in(alice, contract, invoices_by_email=True, is_active=False)
    queue_invoice_delivery(make_invoice(contract))
    assert not OutgoingMessage.objects.exists()


def test_queueing_the_same_invoice_twice_writes_one_row_per_message(alice, contract) -> None:
    opt_in(alice, contract, invoices_by_email=True, sms_opt_in=True, phone="+37061234567")
    invoice = make_invoice(contract)
    queue_invoice_delivery(invoice)
    queue_invoice_delivery(invoice)
    assert OutgoingMessage.objects.count() == 2


def test_a_rolled_back_invoice_leaves_no_message_and_enqueues_no_task(
    alice, contract, django_capture_on_commit_callbacks
) -> None:
    opt_in(alice, contract, invoices_by_email=True)
    with (
        django_capture_on_commit_callbacks() as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        queue_invoice_delivery(make_invoice(contract))
        raise RuntimeError("the billing run failed after queueing")
    assert not OutgoingMessage.objects.exists()
    assert callbacks == []


def test_the_message_keeps_the_recipients_language(alice, contract) -> None:
    opt_in(alice, contract, invoices_by_email=True, language="en")
    queue_invoice_delivery(make_invoice(contract))
    assert OutgoingMessage.objects.get().language == "en"


def test_an_invoice_nobody_opted_into_costs_the_billing_run_one_query(
    alice, contract, django_assert_num_queries
) -> None:
    link(alice, contract)  # linked, but chose neither e-mail nor SMS
    invoice = make_invoice(contract)
    with django_assert_num_queries(1):
        queue_invoice_delivery(invoice)


def test_a_chunk_of_invoices_costs_the_same_queries_as_one_invoice(alice, bob, contract) -> None:
    other = make_contract()
    opt_in(alice, contract, invoices_by_email=True, sms_opt_in=True, phone="+37061234567")
    opt_in(bob, other, invoices_by_email=True)
    first, second = make_invoice(contract, sequence=1), make_invoice(other, sequence=2)
    third = make_invoice(contract, sequence=3, month=dt.date(2026, 9, 1))

    with CaptureQueriesContext(connection) as one:
        queue_invoice_deliveries([first])
    with CaptureQueriesContext(connection) as chunk:
        queue_invoice_deliveries([second, third])

    assert len(chunk) == len(one)
    keys = set(OutgoingMessage.objects.values_list("dedup_key", "recipient"))
    assert keys == {
        (f"invoice:{first.pk}:email:{alice.pk}", "alice@example.lt"),
        (f"invoice:{first.pk}:sms:{alice.pk}", "+37061234567"),
        (f"invoice:{second.pk}:email:{bob.pk}", "bob@example.lt"),
        (f"invoice:{third.pk}:email:{alice.pk}", "alice@example.lt"),
        (f"invoice:{third.pk}:sms:{alice.pk}", "+37061234567"),
    }
    assert (
        OutgoingMessage.objects.get(dedup_key__startswith=f"invoice:{second.pk}:").context[
            "contract"
        ]
        == other.number
    )


def test_the_billing_run_queues_every_invoice_for_the_users_who_opted_in(alice, bob) -> None:
    make_tariffs("house")
    contracts = [make_contract(), make_contract(), make_contract()]
    for contract in contracts:
        add_meter(contract, readings={"2026-10": 110, "2026-11": 116})
    opt_in(alice, contracts[0], invoices_by_email=True)
    opt_in(bob, contracts[2], sms_opt_in=True, phone="+37061234567")

    with time_machine.travel(at("2026-12-03"), tick=False):
        bill_period(month=dt.date(2026, 11, 1), chunk_size=2)

    invoices = {invoice.contract_id: invoice for invoice in Invoice.objects.all()}
    assert set(OutgoingMessage.objects.values_list("invoice_id", "channel", "recipient")) == {
        (invoices[contracts[0].pk].pk, "email", "alice@example.lt"),
        (invoices[contracts[2].pk].pk, "sms", "+37061234567"),
    }
