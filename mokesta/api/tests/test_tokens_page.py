"""„Mano duomenys" → „API raktai": wrong values are refused next to their field in Lithuanian,
the token is shown once and stored hashed, another user's token cannot be revoked."""

import hashlib
import re

import pytest
from django.urls import reverse

from mokesta.accounts.models import ApiToken
from mokesta.accounts.tokens import MAX_ACTIVE, create_token

URL = "/paskyra/profilis/api-raktai/"


def test_the_profile_links_to_the_tokens_page(client, alice, mid_may):
    client.force_login(alice)
    assert URL in client.get(reverse("accounts:profile")).content.decode()
    assert reverse("accounts:api_tokens") == URL


def test_a_token_is_shown_once_and_stored_hashed(client, alice, mid_may):
    client.force_login(alice)
    response = client.post(URL, {"name": "Namų sistema", "scope": "read", "days": "30"})
    assert "no-store" in response["Cache-Control"]
    raw = re.search(r'value="(mk_[^"]+)"', response.content.decode())[1]
    token = ApiToken.objects.get(user=alice)
    assert token.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in str(ApiToken.objects.values_list())
    listed = client.get(URL).content.decode()
    assert raw not in listed
    assert "Namų sistema" in listed and token.prefix in listed and "niekada" in listed


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": "", "scope": "read", "days": "30"}, "name", "Pavadinkite raktą"),
        ({"name": "x" * 61, "scope": "read", "days": "30"}, "name", "nedaugiau kaip 60"),
        ({"name": "A", "scope": "admin", "days": "30"}, "scope", "ką raktu galima daryti"),
        ({"name": "A", "scope": "read", "days": "9999"}, "days", "galiojimą iš sąrašo"),
    ],
)
def test_it_refuses_wrong_values_next_to_the_field(client, alice, mid_may, data, field, message):
    client.force_login(alice)
    response = client.post(URL, data)
    assert response.status_code == 400
    assert any(message in error for error in response.context["form"].errors[field])
    assert f'<label for="id_{field}' in response.content.decode() or field == "scope"
    assert not ApiToken.objects.exists()


def test_it_limits_the_valid_tokens(client, alice, mid_may):
    for n in range(MAX_ACTIVE):
        create_token(user=alice, name=f"T{n}", scope="read", days=30)
    client.force_login(alice)
    response = client.post(URL, {"name": "Dar vienas", "scope": "read", "days": "30"})
    assert response.status_code == 400
    assert "atšaukite" in response.content.decode()


def test_another_users_token_cannot_be_revoked(client, alice, bob, mid_may):
    token, _raw = create_token(user=bob, name="Bobo", scope="read", days=30)
    client.force_login(alice)
    url = reverse("accounts:api_token_revoke", args=[token.pk])
    assert client.post(url).status_code == 404
    assert client.get(url).status_code == 405
    token.refresh_from_db()
    assert token.revoked_at is None


def test_the_pages_need_a_login(client, db):
    assert client.get(URL).status_code == 302
