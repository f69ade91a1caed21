import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from mokesta.billing.delivery import queue_invoice_delivery
from mokesta.outbox.models import OutgoingMessage
from mokesta.outbox.sending import CLAIM_TIMEOUT, MAX_ATTEMPTS, claim, send_batch, send_due
from mokesta.utility.models import Utility

from .conftest import PDF_BYTES, REMINDER_CONTEXT, make_invoice, opt_in

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 5, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def utility(db: None) -> Utility:
    return Utility.objects.create(
        name="VšĮ Velžio komunalinis ūkis",
        short_name="Velžio komunalinis ūkis",
        iban="LT127300010000000001",
        bank_name="Swedbank",
    )


@pytest.fixture
def deliver(alice, contract, utility, django_capture_on_commit_callbacks):
    """Alice makes her choices, then an invoice for her contract is issued: the billing run's
    transaction commits and the task (immediate backend) sends."""

    def deliver(**choices: object) -> None:
        opt_in(alice, contract, **choices)
        with django_capture_on_commit_callbacks(execute=True):
            queue_invoice_delivery(make_invoice(contract))

    return deliver


def test_the_invoice_email_reaches_smtp_in_lithuanian_with_the_stored_pdf(
    deliver, smtp_sink
) -> None:
    deliver(invoices_by_email=True)

    (message,) = smtp_sink.messages
    assert message["To"] == "alice@example.lt"
    # strip(): the encoded subject is folded onto the next header line, which leaves a space.
    assert message["Subject"].strip() == "Sąskaita VKU-000001 už 2026-10 – Velžio komunalinis ūkis"
    text = message.get_body(("plain",)).get_content()
    assert "Sveiki, Alė," in text
    assert "Mokėtina suma: 24,68 €" in text
    assert "Apmokėti iki: 2026-11-30" in text
    assert "Įmokos kodas: 1000000001" in text
    assert "LT127300010000000001" in text
    html = message.get_body(("html",)).get_content()
    assert "24,68 €" in html and 'lang="lt"' in html
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_filename() == "VKU-000001.pdf"
    assert attachment.get_content() == PDF_BYTES
    row = OutgoingMessage.objects.get()
    assert row.state == "sent" and row.attempts == 1 and row.sent_at is not None


def test_the_invoice_email_is_in_english_for_an_english_speaking_user(deliver, smtp_sink) -> None:
    deliver(invoices_by_email=True, language="en")
    (message,) = smtp_sink.messages
    assert message["Subject"].strip() == "Invoice VKU-000001 for 2026-10 – Velžio komunalinis ūkis"
    assert "Amount due: 24.68 €" in message.get_body(("plain",)).get_content()


def test_the_email_escapes_names_in_html_but_not_in_text(deliver, smtp_sink) -> None:
    deliver(invoices_by_email=True, first_name="<b>Alė</b>")
    (message,) = smtp_sink.messages
    assert "&lt;b&gt;Alė&lt;/b&gt;" in message.get_body(("html",)).get_content()
    assert "Sveiki, <b>Alė</b>," in message.get_body(("plain",)).get_content()


def test_the_invoice_sms_reaches_the_provider_with_amount_and_due_date(deliver, infobip) -> None:
    deliver(sms_opt_in=True, phone="+37061234567")
    assert infobip.problems == []
    assert infobip.received == [
        {
            "to": "37061234567",
            "from": "VelzioKU",
            "text": "Velžio komunalinis ūkis: sąskaita VKU-000001, mokėtina suma 24,68 EUR, "
            "apmokėti iki 2026-11-30. Įmokos kodas 1000000001.",
        }
    ]
    assert OutgoingMessage.objects.get().state == "sent"


def test_an_smtp_server_that_is_down_is_recorded_and_retried_later(
    alice, contract, utility, smtp_sink, settings
) -> None:
    opt_in(alice, contract, invoices_by_email=True)
    real_port = settings.EMAIL_PORT
    with time_machine.travel(NOW, tick=False):
        queue_invoice_delivery(make_invoice(contract))
        settings.EMAIL_PORT = 9  # discard port: nothing listens, the connection is refused
        assert send_due() == 0
    row = OutgoingMessage.objects.get()
    assert row.state == "pending" and row.attempts == 1
    assert "Connection" in row.last_error or "refused" in row.last_error
    assert row.next_attempt_at == NOW + dt.timedelta(minutes=1)

    settings.EMAIL_PORT = real_port
    with time_machine.travel(NOW + dt.timedelta(seconds=59), tick=False):
        assert send_due() == 0  # not before the pause is over
    with time_machine.travel(NOW + dt.timedelta(minutes=1), tick=False):
        assert send_due() == 1
    row.refresh_from_db()
    assert row.state == "sent" and row.attempts == 2 and row.last_error == ""
    assert len(smtp_sink.messages) == 1


def test_a_provider_error_is_recorded_and_retried_until_it_succeeds(
    alice, contract, utility, infobip
) -> None:
    opt_in(alice, contract, sms_opt_in=True, phone="+37061234567")
    infobip.fail_with = [500, 503]
    with time_machine.travel(NOW, tick=False):
        queue_invoice_delivery(make_invoice(contract))
        assert send_due() == 0
    row = OutgoingMessage.objects.get()
    assert row.state == "pending" and row.attempts == 1
    assert row.last_error == "SmsError: Infobip HTTP 500: Try later"

    with time_machine.travel(NOW + dt.timedelta(minutes=1), tick=False):
        assert send_due() == 0
    row.refresh_from_db()
    assert row.attempts == 2 and "HTTP 503" in row.last_error
    # The second pause is longer: five minutes.
    assert row.next_attempt_at == NOW + dt.timedelta(minutes=6)
    with time_machine.travel(NOW + dt.timedelta(minutes=6), tick=False):
        assert send_due() == 1
    row.refresh_from_db()
    assert row.state == "sent" and row.attempts == 3
    assert len(infobip.received) == 1


def test_a_message_that_keeps_failing_is_marked_failed_after_the_last_attempt(
    alice, contract, utility, infobip
) -> None:
    opt_in(alice, contract, sms_opt_in=True, phone="+37061234567")
    infobip.fail_with = [400] * (MAX_ATTEMPTS + 3)
    moment = NOW
    with time_machine.travel(moment, tick=False) as traveller:
        queue_invoice_delivery(make_invoice(contract))
        for _ in range(MAX_ATTEMPTS):
            assert send_due() == 0
            traveller.move_to(OutgoingMessage.objects.get().next_attempt_at)
        row = OutgoingMessage.objects.get()
        assert row.state == "failed" and row.attempts == MAX_ATTEMPTS
        assert "HTTP 400" in row.last_error
        traveller.shift(dt.timedelta(days=1))
        assert send_due() == 0  # failed messages are not taken again
    assert len(infobip.fail_with) == 3  # exactly MAX_ATTEMPTS requests were made


def left_sending_by_a_dead_worker(*, attempts: int) -> None:
    """A message a worker took at NOW and died with before marking it sent."""
    with time_machine.travel(NOW, tick=False):
        OutgoingMessage.objects.create(
            channel="email",
            recipient="alice@example.lt",
            template="reading-reminder",
            context=REMINDER_CONTEXT,
            dedup_key="reminder:2026-11:email:1",
            state="sending",
            attempts=attempts,
            claimed_at=timezone.now(),
        )


def test_a_message_left_sending_by_a_dead_worker_is_sent_after_the_timeout(
    utility, smtp_sink
) -> None:
    left_sending_by_a_dead_worker(attempts=1)
    with time_machine.travel(NOW + CLAIM_TIMEOUT - dt.timedelta(seconds=1), tick=False):
        assert send_due() == 0  # its worker may still be busy with it
    with time_machine.travel(NOW + CLAIM_TIMEOUT + dt.timedelta(seconds=1), tick=False):
        assert send_due() == 1
    row = OutgoingMessage.objects.get()
    assert row.state == "sent" and row.attempts == 2
    assert smtp_sink.recipients() == ["alice@example.lt"]


def test_a_stuck_message_on_its_last_attempt_is_marked_failed_not_sent_again(
    utility, smtp_sink
) -> None:
    left_sending_by_a_dead_worker(attempts=MAX_ATTEMPTS)
    with time_machine.travel(NOW + CLAIM_TIMEOUT + dt.timedelta(seconds=1), tick=False):
        assert send_due() == 0
    row = OutgoingMessage.objects.get()
    assert row.state == "failed" and row.last_error == "worker stopped while sending"
    assert smtp_sink.messages == []


def test_sent_messages_are_not_sent_again(alice, contract, utility, smtp_sink) -> None:
    opt_in(alice, contract, invoices_by_email=True)
    queue_invoice_delivery(make_invoice(contract))
    assert send_due() == 1
    assert send_due() == 0
    assert len(smtp_sink.messages) == 1


def test_a_batch_that_goes_slowly_hands_its_unsent_messages_back(utility, smtp_sink) -> None:
    with time_machine.travel(NOW, tick=False):
        for n in range(3):
            OutgoingMessage.objects.create(
                channel="email",
                recipient=f"user{n}@example.lt",
                template="reading-reminder",
                context=REMINDER_CONTEXT,
                dedup_key=f"slow:{n}",
            )
        batch = claim(limit=3)
    assert [m.attempts for m in batch] == [1, 1, 1]
    # Half the claim timeout has gone by (e.g. a slow SMTP server) before the batch is sent.
    with time_machine.travel(NOW + CLAIM_TIMEOUT / 2 + dt.timedelta(seconds=1), tick=False):
        assert send_batch(batch) == 0
    assert smtp_sink.messages == []
    assert (
        list(OutgoingMessage.objects.values_list("state", "attempts", "claimed_at"))
        == [("pending", 0, None)] * 3
    )
    with time_machine.travel(NOW + CLAIM_TIMEOUT, tick=False):
        assert send_due() == 3
