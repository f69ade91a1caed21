"""„Naujo naudotojo registracija": fields, checks, stored choices, the confirmation e-mail, and
no way to learn from it whether an address is registered."""

import re
from datetime import UTC, datetime
from typing import ClassVar

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse

from mokesta.accounts.models import User

URL = reverse("account_signup")


def form_data(**changes: str | None) -> dict[str, str]:
    data = {
        "first_name": "Ona",
        "last_name": "Žemaitytė",
        "email": "ona@example.lt",
        "password1": "Žalias123",
        "password2": "Žalias123",
        "phone": "",
        "accept_rules": "on",
    }
    data.update(changes)  # type: ignore[arg-type]
    return {key: value for key, value in data.items() if value is not None}


def errors(response) -> dict[str, list[str]]:
    return {field: list(messages) for field, messages in response.context["form"].errors.items()}


@pytest.mark.django_db
def test_it_shows_the_guides_form_with_a_label_for_every_input(client) -> None:
    html = client.get(URL).content.decode()
    for text in [
        "Naujo naudotojo registracija",  # VLKK: a system's user is „naudotojas" (issue 19)
        "Asmens duomenys ir kontaktinė informacija",
        'for="id_first_name">Vardas *',
        'for="id_last_name">Pavardė *',
        'for="id_email">El. pašto adresas *',
        'for="id_password1">Slaptažodis *',
        'for="id_password2">Pakartokite slaptažodį *',
        'for="id_phone">Telefono numeris<',
        "* Pažymėti laukai privalomi",
        "Sąskaitų nustatymai",
        'for="id_invoices_by_email">',
        " Gauti sąskaitas el. paštu</label>",
        'for="id_sms_opt_in">',
        " Priimti SMS žinutes</label>",
        'for="id_accept_rules">',
        ' Susipažinau ir sutinku su <a href="/taisykles/" target="_blank">'
        "svetainės taisyklėmis</a> *",
        ">Registruotis</button>",
    ]:
        assert text in html
    inputs = re.findall(r'<input[^>]*type="(?!hidden)[^"]*"[^>]*id="([^"]+)"', html)
    assert len(inputs) == 9
    for input_id in inputs:
        assert f'for="{input_id}"' in html


@pytest.mark.django_db
def test_the_rules_page_has_the_site_rules(client) -> None:
    html = client.get(reverse("portal:rules")).content.decode()
    assert "Naudojimasis savitarna" in html
    assert "Asmens duomenys" in html
    assert "Atsakomybė" in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    "field", ["first_name", "last_name", "email", "password1", "password2", "accept_rules"]
)
def test_it_rejects_a_missing_mandatory_field(client, field: str) -> None:
    response = client.post(URL, form_data(**{field: None}))
    assert response.status_code == 200
    assert list(errors(response)) == [field]
    expected = (
        "Norėdami registruotis, turite sutikti su svetainės taisyklėmis."
        if field == "accept_rules"
        else "Šis laukas yra privalomas."
    )
    assert errors(response)[field] == [expected]
    assert not User.objects.exists()


@pytest.mark.django_db
def test_it_rejects_an_invalid_email(client) -> None:
    response = client.post(URL, form_data(email="ona@"))
    assert list(errors(response)) == ["email"]


@pytest.mark.django_db
@pytest.mark.parametrize("phone", ["12345", "+370 612", "telefonas", "+1 555 0100 1234 5678"])
def test_it_rejects_an_invalid_phone(client, phone: str) -> None:
    response = client.post(URL, form_data(phone=phone))
    assert errors(response) == {
        "phone": ["Įveskite teisingą telefono numerį, pvz., +370 612 34567 arba 8 612 34567."]
    }
    assert not User.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("phone", ["8 612 34567", "+370 612 34567", "861234567", "(8-612) 34567"])
def test_it_stores_the_phone_in_e164(client, phone: str) -> None:
    client.post(URL, form_data(phone=phone))
    assert str(User.objects.get().phone) == "+37061234567"


@pytest.mark.django_db
def test_it_rejects_sms_without_a_phone(client) -> None:
    response = client.post(URL, form_data(sms_opt_in="on"))
    assert errors(response) == {"phone": ["Norėdami gauti SMS žinutes, įveskite telefono numerį."]}
    assert not User.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["R2D2", "Ona!", "<b>Ona</b>", "-Ona", "Ona  Marija", " "])
def test_it_rejects_a_name_that_is_not_letters(client, name: str) -> None:
    response = client.post(URL, form_data(first_name=name, last_name=name))
    assert set(errors(response)) == {"first_name", "last_name"}


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["Žydrūnė", "Anna-Marija", "O'Brien", "Jonas Petras", "Ąžuolas"])
def test_it_accepts_lithuanian_and_compound_names(client, name: str) -> None:
    client.post(URL, form_data(first_name=name))
    assert User.objects.get().first_name == name


@pytest.mark.django_db
def test_it_rejects_names_longer_than_the_maximum(client) -> None:
    response = client.post(URL, form_data(first_name="A" * 61, last_name="B" * 81))
    assert set(errors(response)) == {"first_name", "last_name"}


@pytest.mark.django_db
def test_it_stores_the_choices_and_when_the_rules_were_accepted(client) -> None:
    moment = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
    with time_machine.travel(moment, tick=False):
        response = client.post(
            URL, form_data(phone="861234567", invoices_by_email="on", sms_opt_in="on")
        )
    assert response.status_code == 302
    user = User.objects.get()
    assert (user.first_name, user.last_name) == ("Ona", "Žemaitytė")
    assert user.invoices_by_email and user.sms_opt_in
    assert user.rules_accepted_at == moment
    assert user.language == "lt"
    assert not EmailAddress.objects.get(user=user).verified


@pytest.mark.django_db
def test_it_stores_declined_opt_ins(client) -> None:
    client.post(URL, form_data())
    user = User.objects.get()
    assert not user.invoices_by_email and not user.sms_opt_in


@pytest.mark.django_db
def test_it_stores_the_email_in_lower_case(client) -> None:
    client.post(URL, form_data(email="Ona.Petraitytė@Example.LT".replace("ė", "e")))
    assert User.objects.get().email == "ona.petraityte@example.lt"


@pytest.mark.django_db
def test_it_sends_a_lithuanian_confirmation_email_after_commit(client, committed) -> None:
    with committed():
        response = client.post(URL, form_data())
        assert mail.outbox == []  # nothing before the registration is committed
    assert response["Location"] == reverse("account_email_verification_sent")
    [message] = mail.outbox
    assert message.to == ["ona@example.lt"]
    assert message.subject.startswith("Patvirtinkite el. pašto adresą")
    assert "Nuoroda galioja vieną parą." in message.body
    assert re.search(r"http://testserver/paskyra/confirm-email/\S+/", str(message.body))
    assert isinstance(message, EmailMultiAlternatives)
    html, mime = message.alternatives[0]
    assert mime == "text/html" and isinstance(html, str) and "Patvirtinti" in html


@pytest.mark.django_db
def test_a_registered_email_gets_the_same_page_and_the_owner_gets_a_mail(
    client,
    alice: User,
    committed,
) -> None:
    with committed():
        new = client.post(URL, form_data(email="ona@example.lt"), follow=True)
    with committed():
        taken = client.post(URL, form_data(email="ALICE@example.lt"), follow=True)
    assert taken.redirect_chain == new.redirect_chain
    assert _page(new).replace("ona@example.lt", "X") == _page(taken).replace(
        "alice@example.lt", "X"
    )
    assert User.objects.filter(email__iexact="alice@example.lt").count() == 1
    to_alice = [m for m in mail.outbox if m.to == ["alice@example.lt"]]
    assert len(to_alice) == 1
    assert to_alice[0].subject.startswith("Jūs jau esate užsiregistravę")
    assert "/paskyra/password/reset/" in to_alice[0].body
    alice.refresh_from_db()
    assert alice.first_name == "Alė"  # the attempt changed nothing


def _page(response) -> str:
    """The page without its CSRF tokens, which differ on every response."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


class CountingArgon2Hasher(Argon2PasswordHasher):
    """Django's Argon2 hasher with the same parameters, noting each password it hashes."""

    hashed: ClassVar[list[str]] = []

    def encode(self, password: str, salt: str) -> str:
        self.hashed.append(password)
        return super().encode(password, salt)


@pytest.mark.django_db
def test_a_registered_email_hashes_the_password_as_a_new_one_does(
    client, alice: User, settings
) -> None:
    """Hashing (Argon2, ≈0.3 s) dominates a registration: a taken address must do the same
    hashing, or its quicker answer tells that the address is registered."""
    settings.PASSWORD_HASHERS = [
        "mokesta.accounts.tests.test_signup.CountingArgon2Hasher",
        *settings.PASSWORD_HASHERS,
    ]
    assert CountingArgon2Hasher().params() == Argon2PasswordHasher().params()

    def hashed(email: str) -> list[str]:
        CountingArgon2Hasher.hashed.clear()
        client.post(URL, form_data(email=email))
        return list(CountingArgon2Hasher.hashed)

    new = hashed("ona@example.lt")
    taken = hashed("ALICE@example.lt")
    assert new == ["Žalias123"]
    assert taken == new
    assert User.objects.filter(email__iexact="alice@example.lt").count() == 1
