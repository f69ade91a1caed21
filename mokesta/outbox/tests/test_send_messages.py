from io import StringIO

import pytest
from django.core.management import call_command

from mokesta.billing.delivery import queue_invoice_delivery
from mokesta.outbox.models import OutgoingMessage

from .conftest import make_invoice, opt_in

pytestmark = pytest.mark.django_db


def test_the_command_sends_every_due_message_once(alice, bob, contract, smtp_sink) -> None:
    for user in (alice, bob):
        opt_in(user, contract, invoices_by_email=True)
    queue_invoice_delivery(make_invoice(contract))  # the task would run after commit
    out = StringIO()
    call_command("send_messages", stdout=out)
    call_command("send_messages", stdout=out)
    assert out.getvalue().splitlines() == ["Sent 2 message(s).", "Sent 0 message(s)."]
    assert sorted(smtp_sink.recipients()) == ["alice@example.lt", "bob@example.lt"]
    assert set(OutgoingMessage.objects.values_list("state", flat=True)) == {"sent"}
