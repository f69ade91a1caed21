import pytest
from django.db import transaction

from mokesta.messaging.models import OutgoingMessage
from mokesta.messaging.outbox import queue_invoice_delivery

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
