"""Account e-mail goes out through a task after the transaction commits, in the recipient's
language (mokesta.outbox.mail)."""

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.urls import reverse
from django.utils import translation

from mokesta.accounts.models import User
from mokesta.outbox.mail import queue_email, render_email
from mokesta.utility.models import Utility


def confirmation(language: str = "lt"):
    return render_email(
        "account/email/email_confirmation",
        {"activate_url": "https://savitarna.example.lt/x/", "site_url": "https://example.lt"},
        to=["ona@example.lt"],
        language=language,
    )


@pytest.mark.django_db
def test_it_renders_subject_text_and_html_in_the_given_language() -> None:
    with translation.override("en"):
        message = confirmation("lt")
    assert message.subject.startswith("Patvirtinkite el. pašto adresą")
    assert "\n" not in message.subject
    assert "https://savitarna.example.lt/x/" in message.body
    html, mime = message.alternatives[0]
    assert mime == "text/html"
    assert '<a href="https://savitarna.example.lt/x/">' in html
    assert confirmation("en").subject.startswith("Confirm your e-mail address")


@pytest.mark.django_db
def test_it_sends_only_after_the_transaction_commits(committed) -> None:
    with committed():
        queue_email(confirmation())
        assert mail.outbox == []
    [sent] = mail.outbox
    assert sent.to == ["ona@example.lt"]
    assert isinstance(sent, EmailMultiAlternatives)
    assert sent.alternatives[0][1] == "text/html"


@pytest.mark.django_db
def test_it_sends_nothing_when_the_transaction_rolls_back(committed) -> None:
    with committed(), pytest.raises(RuntimeError), transaction.atomic():
        queue_email(confirmation())
        raise RuntimeError("the change that caused the e-mail failed")
    assert mail.outbox == []


def test_a_user_gets_account_mail_in_their_own_language(
    client,
    alice: User,
    committed,
) -> None:
    alice.language = "en"
    alice.save()
    with committed():
        client.post(reverse("account_reset_password"), {"email": "alice@example.lt"})
    [message] = mail.outbox
    assert message.subject.startswith("Set a new password")
    assert "valid for one hour" in message.body


def test_the_language_of_the_page_is_stored_at_registration(client, db: None) -> None:
    client.post(reverse("set_language"), {"language": "en"})
    client.post(
        reverse("account_signup"),
        {
            "first_name": "Ona",
            "last_name": "Žemaitytė",
            "email": "ona@example.lt",
            "password1": "Žalias123",
            "password2": "Žalias123",
            "accept_rules": "on",
        },
    )
    assert User.objects.get().language == "en"


@pytest.mark.django_db
def test_it_signs_with_the_utility_also_without_a_request() -> None:
    Utility.objects.create(name="VšĮ Velžio komunalinis ūkis", short_name="Velžio komunalinis ūkis")
    message = confirmation()
    assert message.subject.endswith("– Velžio komunalinis ūkis")
    assert "VšĮ Velžio komunalinis ūkis, klientų savitarna" in message.body
    assert "https://example.lt" in message.body
