"""„Prisijunkite prie savitarnos": the login box, case-insensitive e-mail, the rate limit on
failures, session rotation, the greeting and logging out, and the admin's login."""

import re

import pytest
from django.urls import reverse

from mokesta.accounts.models import User
from mokesta.conftest import PASSWORD, make_user

URL = reverse("account_login")


def log_in(client, login: str, password: str = PASSWORD, **extra: str):
    return client.post(URL + extra.pop("query", ""), {"login": login, "password": password})


@pytest.mark.django_db
def test_it_shows_the_guides_login_box(client) -> None:
    html = client.get(URL).content.decode()
    assert "<h1>Prisijunkite prie savitarnos</h1>" in html
    assert '<label for="id_login">Prisijungimo vardas (el. paštas) *</label>' in html
    assert '<label for="id_password">Slaptažodis *</label>' in html
    assert ">Prisijungti</button>" in html
    assert f'href="{reverse("account_reset_password")}">Pamiršote slaptažodį?</a>' in html
    assert f'href="{reverse("account_signup")}">Registruotis</a>' in html
    assert "remember" not in html


def test_it_logs_in_with_the_email_in_any_case(client, alice: User) -> None:
    response = log_in(client, "  ALICE@Example.LT ")
    assert response["Location"] == reverse("portal:dashboard")
    assert client.session["_auth_user_id"] == str(alice.pk)


def test_it_refuses_a_wrong_password_in_lithuanian(client, alice: User) -> None:
    response = log_in(client, "alice@example.lt", "Neteisingas1")
    assert response.status_code == 200
    assert "Pateiktas el. pašto adresas ir/arba slaptažodis yra neteisingi." in (
        response.content.decode()
    )
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("field", ["login", "password"])
def test_it_requires_both_fields(client, alice: User, field: str) -> None:
    data = {"login": "alice@example.lt", "password": PASSWORD, field: ""}
    response = client.post(URL, data)
    assert response.context["form"].errors[field] == ["Šis laukas yra privalomas."]


def test_it_locks_the_email_after_five_failures(client, alice: User) -> None:
    for _ in range(5):
        log_in(client, "alice@example.lt", "Neteisingas1")
    response = log_in(client, "Alice@example.lt")  # the right password, too late
    assert response.status_code == 429
    assert "Per daug nesėkmingų bandymų prisijungti" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_it_limits_failures_per_ip_across_emails(client, alice: User, bob: User) -> None:
    for number in range(10):
        log_in(client, f"guess{number}@example.lt", "Neteisingas1")
    response = log_in(client, "bob@example.lt")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_it_rotates_the_session_key_at_login(client, alice: User) -> None:
    client.get(URL)
    client.session.save()
    before = client.session.session_key
    log_in(client, "alice@example.lt")
    assert client.session.session_key != before
    assert client.session["_auth_user_id"] == str(alice.pk)


def test_the_self_service_greets_by_first_name_with_a_logout_button(client, alice: User) -> None:
    log_in(client, "alice@example.lt")
    html = client.get(reverse("portal:dashboard")).content.decode()
    assert "Alė" in html
    assert re.search(
        r'<form method="post" action="/paskyra/logout/"[^>]*>\s*<input type="hidden" '
        r'name="csrfmiddlewaretoken"[^>]*>\s*<button type="submit">Atsijungti</button>',
        html,
    )


def test_names_are_escaped_on_output(client, db: None) -> None:
    # Names from the form are letters only; the admin could still store anything.
    user = make_user("x@example.lt", "<script>alert(1)</script>", "X")
    client.force_login(user)
    html = client.get(reverse("portal:dashboard")).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_logging_out_needs_a_post(client, alice: User) -> None:
    client.force_login(alice)
    client.get(reverse("account_logout"))
    assert "_auth_user_id" in client.session
    client.post(reverse("account_logout"))
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("portal:dashboard"))["Location"].startswith(URL)


@pytest.mark.django_db
def test_the_home_page_explains_who_may_register(client) -> None:
    html = client.get(reverse("portal:home")).content.decode()
    assert "turintys bent vieną galiojančią sutartį" in html
    assert f'<a href="{reverse("account_signup")}">Registruotis</a>' in html
    assert f'href="{URL}"' in html
