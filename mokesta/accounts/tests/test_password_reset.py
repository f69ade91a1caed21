"""„Pamiršote slaptažodį?": the same answer for any address (and no mail to an unknown one), a
link valid one hour and usable once, the policy on the new password, other sessions logged out,
a "password changed" e-mail."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from mokesta.accounts.models import User
from mokesta.conftest import PASSWORD

URL = reverse("account_reset_password")
NEW = "Naujas2026ė"


def page(response) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


@pytest.fixture
def reset_path(client, alice: User, committed) -> str:
    """Asks for a new password for alice and returns the path of the link in her e-mail."""
    with committed():
        client.post(URL, {"email": "alice@example.lt"})
    [message] = mail.outbox
    mail.outbox.clear()
    match = re.search(r"http://testserver(/paskyra/password/reset/key/\S+/)", str(message.body))
    assert match, message.body
    return match.group(1)


def set_password(client, path: str, password: str = NEW, password2: str | None = None):
    form_page = client.get(path, follow=True)  # the key moves from the URL into the session
    return client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else path,
        {"password1": password, "password2": password2 or password},
    )


def test_known_and_unknown_addresses_get_the_same_answer(client, alice: User, committed) -> None:
    with committed():
        known = client.post(URL, {"email": "ALICE@example.lt"}, follow=True)
    with committed():
        unknown = client.post(URL, {"email": "nobody@example.lt"}, follow=True)
    assert (
        known.redirect_chain
        == unknown.redirect_chain
        == [(reverse("account_reset_password_done"), 302)]
    )
    assert page(known) == page(unknown)
    assert "Patikrinkite el. paštą" in page(known)
    # Nothing goes to an unknown address: the form is no relay for mail to anyone.
    [to_alice] = mail.outbox
    assert to_alice.to == ["alice@example.lt"]
    assert to_alice.subject.startswith("Nustatykite naują slaptažodį")
    assert "/paskyra/password/reset/key/" in to_alice.body
    assert "Nuoroda galioja vieną valandą" in to_alice.body


def test_it_rejects_an_invalid_email(client, db: None) -> None:
    response = client.post(URL, {"email": "alice@"})
    assert list(response.context["form"].errors) == ["email"]


def test_a_new_password_replaces_the_old_one(
    client, alice: User, reset_path: str, committed
) -> None:
    with committed():
        response = set_password(client, reset_path)
    assert response["Location"] == reverse("account_reset_password_from_key_done")
    alice.refresh_from_db()
    assert alice.check_password(NEW)
    assert not alice.check_password(PASSWORD)
    fresh = Client()
    fresh.post(reverse("account_login"), {"login": "alice@example.lt", "password": PASSWORD})
    assert "_auth_user_id" not in fresh.session
    fresh.post(reverse("account_login"), {"login": "alice@example.lt", "password": NEW})
    assert fresh.session["_auth_user_id"] == str(alice.pk)
    [changed] = mail.outbox
    assert changed.to == ["alice@example.lt"]
    assert changed.subject.startswith("Jūsų slaptažodis pakeistas")
    assert "Visos kitos sesijos atjungtos." in changed.body


def test_the_reset_logs_out_other_sessions(client, alice: User, committed) -> None:
    other = Client()
    other.post(reverse("account_login"), {"login": "alice@example.lt", "password": PASSWORD})
    assert other.get(reverse("portal:dashboard")).status_code == 200
    with committed():
        client.post(URL, {"email": "alice@example.lt"})
    path = re.search(
        r"http://testserver(/paskyra/password/reset/key/\S+/)", str(mail.outbox[0].body)
    )
    assert path, mail.outbox[0].body
    response = set_password(client, path.group(1))
    assert response["Location"] == reverse("account_reset_password_from_key_done")
    assert other.get(reverse("portal:dashboard")).status_code == 302


def test_the_link_works_once(client, alice: User, reset_path: str) -> None:
    set_password(client, reset_path)
    response = Client().get(reset_path, follow=True)
    assert "Ši nuoroda nebegalioja arba jau buvo panaudota." in response.content.decode()
    set_password(Client(), reset_path, "Kitas2026ė")
    alice.refresh_from_db()
    assert alice.check_password(NEW)


def test_the_link_works_within_the_hour(client, alice: User, reset_path: str) -> None:
    with time_machine.travel(timezone.localtime() + timedelta(minutes=59)):
        set_password(client, reset_path)
    alice.refresh_from_db()
    assert alice.check_password(NEW)


def test_the_link_expires_after_one_hour(client, alice: User, reset_path: str) -> None:
    with time_machine.travel(timezone.localtime() + timedelta(hours=1, minutes=1)):
        response = client.get(reset_path, follow=True)
        set_password(client, reset_path)
    assert "Ši nuoroda nebegalioja arba jau buvo panaudota." in response.content.decode()
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD)


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Abcde12", "Slaptažodį turi sudaryti ne mažiau kaip 8 simboliai."),
        ("Abcdefgh123456789", "Slaptažodį gali sudaryti ne daugiau kaip 16 simbolių."),
        ("abcdefg12", "Slaptažodyje turi būti bent viena didžioji raidė."),
    ],
)
def test_the_new_password_must_follow_the_policy(
    client,
    alice: User,
    reset_path: str,
    password: str,
    message: str,
) -> None:
    response = set_password(client, reset_path, password)
    assert message in response.content.decode()
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD)


def test_the_two_new_passwords_must_match(client, alice: User, reset_path: str) -> None:
    response = set_password(client, reset_path, NEW, NEW + "x")
    assert "password2" in response.context["form"].errors
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD)


def test_requests_are_rate_limited_per_address(client, alice: User) -> None:
    for _ in range(5):
        client.post(URL, {"email": "alice@example.lt"})
    response = client.post(URL, {"email": "alice@example.lt"})
    assert response.status_code == 429
