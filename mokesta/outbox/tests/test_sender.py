"""Issue 19.8: mail comes from the utility's name at the deployment's address, not from
„MOKESTA savitarna <savitarna@localhost>" — the outbox's mail and the account mails alike."""

import pytest
from django.test import Client, override_settings

from mokesta.outbox.mail import sender
from mokesta.utility.models import Utility

from .test_sending import deliver, utility  # noqa: F401

pytestmark = pytest.mark.django_db


@override_settings(MAIL_FROM_ADDRESS="savitarna@velzioku.lt")
def test_the_invoice_mail_comes_from_the_utility(deliver, smtp_sink) -> None:  # noqa: F811
    deliver(invoices_by_email=True)
    (message,) = smtp_sink.messages
    assert message["From"].addresses[0].display_name == "VšĮ Velžio komunalinis ūkis"
    assert message["From"].addresses[0].addr_spec == "savitarna@velzioku.lt"


@override_settings(MAIL_FROM_ADDRESS="savitarna@velzioku.lt")
def test_an_account_mail_comes_from_the_utility(
    client: Client,
    utility: Utility,  # noqa: F811
    alice,
    smtp_sink,
    django_capture_on_commit_callbacks,  # noqa: F811
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/paskyra/password/reset/", {"email": alice.email})
    assert response.status_code == 302
    (message,) = smtp_sink.messages
    assert message["From"].addresses[0].display_name == "VšĮ Velžio komunalinis ūkis"
    assert message["From"].addresses[0].addr_spec == "savitarna@velzioku.lt"


def test_a_name_with_quotes_stays_one_quoted_name(utility: Utility) -> None:  # noqa: F811
    utility.name = 'UAB "Vanduo, ir\n kt."'
    utility.save()
    Utility.forget()
    assert sender().startswith('"UAB Vanduo, ir kt." <')
