"""The link in the registration e-mail: a page with a button, confirmed on POST only, valid one
day; logging in before confirming is refused and sends a new link."""

import re
from datetime import timedelta

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from mokesta.accounts.models import User

PASSWORD = "Žalias123"


@pytest.fixture
def confirm_path(client, committed, db: None) -> str:
    """Registers ona@example.lt and returns the path of the link in her e-mail."""
    with committed():
        client.post(
            reverse("account_signup"),
            {
                "first_name": "Ona",
                "last_name": "Žemaitytė",
                "email": "ona@example.lt",
                "password1": PASSWORD,
                "password2": PASSWORD,
                "accept_rules": "on",
            },
        )
    [message] = mail.outbox
    mail.outbox.clear()
    match = re.search(r"http://testserver(/paskyra/confirm-email/\S+/)", str(message.body))
    assert match, message.body
    return match.group(1)


def verified() -> bool:
    return EmailAddress.objects.get(email="ona@example.lt").verified


def test_opening_the_link_shows_a_button_and_confirms_nothing(client, confirm_path: str) -> None:
    html = client.get(confirm_path).content.decode()
    assert "Paspauskite mygtuką ir patvirtinkite, kad ona@example.lt" in html
    assert ">Patvirtinti</button>" in html
    assert 'method="post"' in html
    assert not verified()


def test_pressing_the_button_confirms_and_leads_to_the_login(client, confirm_path: str) -> None:
    response = client.post(confirm_path)
    assert response["Location"] == reverse("account_login")
    assert verified()


def test_the_link_still_works_just_before_one_day(client, confirm_path: str) -> None:
    with time_machine.travel(timezone.localtime() + timedelta(hours=23, minutes=59)):
        client.post(confirm_path)
    assert verified()


def test_the_link_expires_after_one_day(client, confirm_path: str) -> None:
    with time_machine.travel(timezone.localtime() + timedelta(days=1, minutes=1)):
        page = client.get(confirm_path).content.decode()
        client.post(confirm_path)
    assert "Ši patvirtinimo nuoroda nebegalioja arba yra neteisinga." in page
    assert not verified()


def test_a_tampered_link_confirms_nothing(client, confirm_path: str) -> None:
    client.post(confirm_path.replace("confirm-email/", "confirm-email/x"))
    assert not verified()


def test_login_before_confirming_is_refused_and_sends_a_new_link(
    client,
    confirm_path: str,
    committed,
) -> None:
    with time_machine.travel(timezone.localtime() + timedelta(minutes=5)), committed():
        response = client.post(
            reverse("account_login"), {"login": "Ona@Example.lt", "password": PASSWORD}, follow=True
        )
    html = response.content.decode()
    assert "Prisijungti dar negalite: jūsų el. pašto adresas nepatvirtintas." in html
    assert "Norėdami gauti naują nuorodą" in html
    assert "_auth_user_id" not in client.session
    [message] = mail.outbox
    assert message.to == ["ona@example.lt"]
    assert "/paskyra/confirm-email/" in message.body


def test_after_confirming_the_user_can_log_in(client, confirm_path: str) -> None:
    client.post(confirm_path)
    response = client.post(
        reverse("account_login"), {"login": "ona@example.lt", "password": PASSWORD}
    )
    assert response["Location"] == reverse("portal:dashboard")
    assert client.session["_auth_user_id"] == str(User.objects.get().pk)


def test_new_links_are_sent_at_most_once_in_three_minutes(
    client, confirm_path: str, committed
) -> None:
    login = {"login": "ona@example.lt", "password": PASSWORD}
    with time_machine.travel(timezone.localtime() + timedelta(minutes=4)):
        for _ in range(3):
            with committed():
                client.post(reverse("account_login"), login)
    assert len(mail.outbox) == 1
    with time_machine.travel(timezone.localtime() + timedelta(minutes=8)), committed():
        client.post(reverse("account_login"), login)
    assert len(mail.outbox) == 2
