"""Rate limits that stop abuse, not newcomers (README: "Rate limits"): failed logins per
(e-mail, address) with a higher per-e-mail ceiling, registrations counted only when the form is
valid, the client address taken from trusted proxies only, and one Lithuanian 429 page."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from mokesta.accounts.models import User
from mokesta.conftest import PASSWORD

LOGIN = reverse("account_login")
SIGNUP = reverse("account_signup")
RESET = reverse("account_reset_password")
WRONG = "Neteisingas1"

pytestmark = pytest.mark.django_db


def from_address(address: str) -> Client:
    return Client(REMOTE_ADDR=address)


def log_in(client: Client, email: str = "alice@example.lt", password: str = PASSWORD):
    return client.post(LOGIN, {"login": email, "password": password})


def signup_data(email: str, **changes: str) -> dict[str, str]:
    return {
        "first_name": "Ona",
        "last_name": "Žemaitytė",
        "email": email,
        "password1": "Žalias123",
        "password2": "Žalias123",
        "accept_rules": "on",
        **changes,
    }


def assert_429_page(response, text: str) -> None:
    assert response.status_code == 429
    html = response.content.decode()
    assert '<html lang="lt">' in html
    assert "<h1>Per daug bandymų</h1>" in html
    assert text in html
    assert re.search(r"Bandykite dar kartą po \d+ min\.", html)
    assert int(response["Retry-After"]) > 0


def test_an_attacker_at_one_address_cannot_lock_the_owner_out(alice: User) -> None:
    attacker = from_address("203.0.113.7")
    for _ in range(5):
        assert log_in(attacker, password=WRONG).status_code == 200
    refused = log_in(attacker)  # even the right password, from the attacker's address
    assert_429_page(refused, "Per daug nesėkmingų bandymų prisijungti")
    assert "Pamiršote slaptažodį?" in refused.content.decode()
    assert 240 < int(refused["Retry-After"]) <= 300  # 5 failures per 5 minutes

    owner = from_address("198.51.100.20")
    assert log_in(owner).status_code == 302
    assert "_auth_user_id" in owner.session


def test_a_per_email_ceiling_stops_guessing_from_many_addresses(alice: User, settings) -> None:
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login_failed_email": "3/h/key"}
    for number in range(3):
        log_in(from_address(f"203.0.113.{number}"), password=WRONG)
    owner = from_address("198.51.100.20")
    assert_429_page(log_in(owner), "Per daug nesėkmingų bandymų prisijungti")
    assert log_in(from_address("198.51.100.20"), "bob@example.lt", WRONG).status_code == 200


def test_the_owner_can_reset_the_password_and_log_in_at_once(
    alice: User, settings, committed
) -> None:
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login_failed_email": "3/h/key"}
    for number in range(3):
        log_in(from_address(f"203.0.113.{number}"), password=WRONG)
    owner = from_address("198.51.100.20")
    assert log_in(owner).status_code == 429
    with committed():
        owner.post(RESET, {"email": "alice@example.lt"})
    [message] = mail.outbox
    path = re.search(r"http://testserver(/paskyra/password/reset/key/\S+/)", str(message.body))
    assert path
    form = owner.get(path.group(1), follow=True)
    new = "Naujas2026ė"
    with committed():
        done = owner.post(form.redirect_chain[-1][0], {"password1": new, "password2": new})
    assert done.status_code == 302
    assert log_in(owner, password=new).status_code == 302


def test_failed_logins_are_limited_per_address_across_emails(alice: User) -> None:
    client = from_address("203.0.113.9")
    for number in range(10):
        log_in(client, f"guess{number}@example.lt", WRONG)
    assert log_in(client).status_code == 429
    assert log_in(from_address("203.0.113.10")).status_code == 302


def test_a_forged_x_forwarded_for_does_not_change_the_address(alice: User, settings) -> None:
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1  # one proxy of ours appends the real address
    for number in range(5):
        client = Client(
            REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=f"10.9.9.{number}, 203.0.113.7"
        )
        log_in(client, password=WRONG)
    forged = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="10.1.1.1, 203.0.113.7")
    assert log_in(forged).status_code == 429
    other = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.8")
    assert log_in(other).status_code == 302


def test_without_a_trusted_proxy_x_forwarded_for_is_ignored(alice: User) -> None:
    for number in range(5):
        log_in(Client(HTTP_X_FORWARDED_FOR=f"10.9.9.{number}"), password=WRONG)
    assert log_in(Client(HTTP_X_FORWARDED_FOR="10.9.9.200")).status_code == 429


def test_invalid_registration_forms_never_count(client: Client, settings) -> None:
    for password in ["Trumpas1", "ilgasbedidziosios1", "BEMAZUJU123", "BeSkaiciu", "Žalias123"]:
        response = client.post(
            SIGNUP, signup_data("ona@example.lt", password1=password, password2=password + "x")
        )
        assert response.status_code == 200
    for _ in range(20):
        assert (
            client.post(SIGNUP, signup_data("ona@example.lt", accept_rules="")).status_code == 200
        )
    response = client.post(SIGNUP, signup_data("ona@example.lt"))
    assert response.status_code == 302
    assert User.objects.filter(email="ona@example.lt").exists()


def test_successful_registrations_are_limited_per_address(settings) -> None:
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "signup_success": "2/h/ip"}
    client = from_address("203.0.113.50")
    for number in range(2):
        assert client.post(SIGNUP, signup_data(f"ona{number}@example.lt")).status_code == 302
    refused = client.post(SIGNUP, signup_data("ona9@example.lt"))
    assert_429_page(refused, "registracija laikinai sustabdyta")
    assert not User.objects.filter(email="ona9@example.lt").exists()
    other = from_address("203.0.113.51")
    assert other.post(SIGNUP, signup_data("ona9@example.lt")).status_code == 302


def test_successful_registrations_are_limited_per_email(settings, committed) -> None:
    # Registering an existing address mails its owner: a day's ceiling per e-mail.
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "signup_success": "2/d/key"}
    for number in range(2):
        with committed():
            response = from_address(f"203.0.113.{number}").post(SIGNUP, signup_data("o@example.lt"))
        assert response.status_code == 302
    sent = len(mail.outbox)
    with committed():
        refused = from_address("203.0.113.99").post(SIGNUP, signup_data("O@example.lt"))
    assert refused.status_code == 429
    assert len(mail.outbox) == sent
    assert User.objects.filter(email__iexact="o@example.lt").count() == 1


def test_too_many_reset_requests_get_the_lithuanian_page(alice: User, settings) -> None:
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "reset_password": "2/h/key"}
    client = from_address("203.0.113.60")
    for _ in range(2):
        assert client.post(RESET, {"email": "alice@example.lt"}).status_code == 302
    refused = client.post(RESET, {"email": "alice@example.lt"})
    assert_429_page(refused, "slaptažodžio atkūrimo užklausų")
    assert 3500 < int(refused["Retry-After"]) <= 3600


def test_the_429_page_is_in_english_when_chosen(alice: User) -> None:
    client = from_address("203.0.113.70")
    client.cookies["django_language"] = "en"
    for _ in range(5):
        log_in(client, password=WRONG)
    html = log_in(client).content.decode()
    assert "Too many attempts" in html
    assert "Try again in 5 minutes." in html
