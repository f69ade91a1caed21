"""The password policy of the user guide (8–16 characters, an uppercase letter, a lowercase letter,
a digit), the common-password and similarity checks, at registration and at password change."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from mokesta.accounts.models import User
from mokesta.accounts.passwords import PasswordPolicyValidator
from mokesta.conftest import PASSWORD


def codes(password: str, user: User | None = None) -> set[str]:
    try:
        PasswordPolicyValidator().validate(password, user)
    except ValidationError as error:
        return {e.code for e in error.error_list}  # type: ignore[misc]
    return set()


def signup(client, password: str, password2: str | None = None, **extra: str):
    data = {
        "first_name": "Ona",
        "last_name": "Petraitytė",
        "email": "ona@example.lt",
        "password1": password,
        "password2": password if password2 is None else password2,
        "accept_rules": "on",
        **extra,
    }
    return client.post(reverse("account_signup"), data)


def password_errors(response) -> dict[str, list[str]]:
    form = response.context["form"]
    return {
        field: [e.code for e in errors.as_data()]  # type: ignore[attr-defined]
        for field, errors in form.errors.items()
        if field in ("password1", "password2")
    }


def test_it_accepts_eight_characters() -> None:
    assert codes("Abcdef1g") == set()


def test_it_rejects_seven_characters() -> None:
    assert codes("Abcde1g") == {"password_too_short"}


def test_it_accepts_sixteen_characters() -> None:
    assert codes("Abcdefgh12345678") == set()


def test_it_rejects_seventeen_characters() -> None:
    assert codes("Abcdefgh123456789") == {"password_too_long"}


def test_it_counts_lithuanian_z_caron_as_uppercase() -> None:
    # Ž is the only uppercase letter here.
    assert codes("Žalias123") == set()
    assert codes("žalias123") == {"password_no_upper"}


def test_it_counts_lithuanian_e_dot_as_lowercase() -> None:
    # ė is the only lowercase letter here.
    assert codes("ŽALIASė1") == set()
    assert codes("ŽALIASĖ1") == {"password_no_lower"}


def test_it_requires_a_digit() -> None:
    assert codes("Abcdefgh") == {"password_no_digit"}


def test_it_reports_every_unmet_rule_separately() -> None:
    assert codes("abc") == {"password_too_short", "password_no_upper", "password_no_digit"}


def test_it_rejects_a_common_password() -> None:
    with pytest.raises(ValidationError) as error:
        validate_password("Password1")
    assert [e.code for e in error.value.error_list] == ["password_too_common"]


@pytest.mark.django_db
def test_registration_shows_each_unmet_rule_in_lithuanian_next_to_the_password(client) -> None:
    response = signup(client, "abc")
    html = response.content.decode()
    assert "Slaptažodį turi sudaryti ne mažiau kaip 8 simboliai." in html
    assert "Slaptažodyje turi būti bent viena didžioji raidė." in html
    assert "Slaptažodyje turi būti bent vienas skaitmuo." in html
    assert "Slaptažodyje turi būti bent viena mažoji raidė." not in html
    assert 'id="id_password1_error1"' in html
    assert not User.objects.exists()


@pytest.mark.django_db
def test_registration_refuses_seventeen_characters_rather_than_cutting(client) -> None:
    response = signup(client, "Abcdefgh123456789")
    assert "Slaptažodį gali sudaryti ne daugiau kaip 16 simbolių." in response.content.decode()
    assert "maxlength" not in str(response.context["form"]["password1"])  # the browser cuts none
    assert not User.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("password", ["Abcdef1g", "Abcdefgh12345678", "Žalias123", "ŽALIASė1"])
def test_registration_accepts_passwords_within_the_policy(client, password: str) -> None:
    response = signup(client, password)
    assert response.status_code == 302
    assert User.objects.get(email="ona@example.lt").check_password(password)


@pytest.mark.django_db
def test_registration_rejects_passwords_that_do_not_match(client) -> None:
    response = signup(client, "Abcdef1g", "Abcdef1h")
    assert "password2" in response.context["form"].errors
    assert not User.objects.exists()


@pytest.mark.django_db
def test_registration_rejects_a_common_password(client) -> None:
    response = signup(client, "Password1")
    assert password_errors(response) == {"password1": ["password_too_common"]}


@pytest.mark.django_db
def test_registration_rejects_a_password_like_the_last_name(client) -> None:
    response = signup(client, "Petraitytė1")
    assert password_errors(response) == {"password1": ["password_too_similar"]}
    assert not User.objects.exists()


@pytest.mark.django_db
def test_registration_rejects_a_password_like_the_email(client) -> None:
    response = signup(client, "Onutė12345", email="onute12345@example.lt")
    assert password_errors(response) == {"password1": ["password_too_similar"]}


def test_password_change_applies_the_same_policy(client, alice: User) -> None:
    client.force_login(alice)
    response = client.post(
        reverse("account_change_password"),
        {
            "oldpassword": PASSWORD,
            "password1": "Abcdefgh123456789",
            "password2": "Abcdefgh123456789",
        },
    )
    assert "Slaptažodį gali sudaryti ne daugiau kaip 16 simbolių." in response.content.decode()
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD)


def test_password_change_logs_out_other_sessions_and_mails_the_user(
    client, alice: User, committed
) -> None:
    other = Client()
    other.post(reverse("account_login"), {"login": "alice@example.lt", "password": PASSWORD})
    client.post(reverse("account_login"), {"login": "alice@example.lt", "password": PASSWORD})
    with committed():
        client.post(
            reverse("account_change_password"),
            {"oldpassword": PASSWORD, "password1": "Naujas2026ė", "password2": "Naujas2026ė"},
        )
    alice.refresh_from_db()
    assert alice.check_password("Naujas2026ė")
    assert client.get(reverse("portal:dashboard")).status_code == 200  # this session stays
    assert other.get(reverse("portal:dashboard")).status_code == 302
    [message] = mail.outbox
    assert message.subject.startswith("Jūsų slaptažodis pakeistas")
