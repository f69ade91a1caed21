"""Property test of the identity rule (Hypothesis): over generated pairs of addresses — an owner's
address and another made from it with look-alikes, case, compatibility forms and a trailing
dot, or made afresh — login, registration, the per-e-mail login limit and linking by e-mail
all treat the pair as one identity, or all as two. Each path is the real one (the login page,
the registration form, the limit through the login page, `link_by_email`)."""

import string

import pytest
from allauth.account.models import EmailAddress
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from mokesta.accounts.forms import SignupForm
from mokesta.accounts.identity import check_email, email_key
from mokesta.conftest import PASSWORD, make_user
from mokesta.customers.linking import link_by_email
from mokesta.testing.factories import make_contract

LOGIN = reverse("account_login")

# Each character of an owner's address and what may stand for it: itself, other case, the
# look-alikes of the issue (ı, ſ, Kelvin K, İ, fullwidth), other alphabets' twins (Cyrillic,
# Greek), ASCII neighbours that are other mailboxes (l/1, m/rn) and plain other letters.
VARIANTS = {
    "a": ["a", "A", "\u0430", "\uff41", "ą", "e"],
    "e": ["e", "E", "\u0435", "\uff45", "ė", "a"],
    "i": ["i", "I", "\u0131", "\u0130", "\u0456", "\uff49", "l", "1"],
    "k": ["k", "K", "\u212a", "\uff4b", "\u043a", "x"],
    "l": ["l", "L", "\u04cf", "1", "I", "\uff4c"],
    "m": ["m", "M", "rn", "\uff4d", "n"],
    "n": ["n", "N", "\uff4e", "m"],
    "o": ["o", "O", "\u043e", "\u03bf", "0", "\uff4f"],
    "s": ["s", "S", "\u017f", "\u0455", "\uff53", "5"],
    "1": ["1", "l", "\uff11"],
    ".": [".", "\uff0e"],
    "@": ["@", "\uff20"],
}
LETTERS = "aeiklmnos"


@st.composite
def owners(draw: st.DrawFn) -> str:
    local = draw(st.text(LETTERS + "1", min_size=1, max_size=6))
    label = draw(st.text(LETTERS, min_size=1, max_size=6))
    return f"{local}@{label}.{draw(st.sampled_from(['lt', 'test']))}"


@st.composite
def others(draw: st.DrawFn, owner: str) -> str:
    if draw(st.booleans()):
        return draw(owners())
    chars = [draw(st.sampled_from(VARIANTS.get(c, [c]))) for c in owner]
    return "".join(chars) + draw(st.sampled_from(["", "", "."]))


def signup(email: str) -> str:
    data = {
        "first_name": "Ona",
        "last_name": "Žemaitytė",
        "email": email,
        "password1": "Žalias123",
        "password2": "Žalias123",
        "accept_rules": "on",
    }
    form = SignupForm(data=data)
    if not form.is_valid():
        assert list(form.errors) == ["email"]
        return "refused"
    return "same" if form.account_already_exists else "other"


def log_in(address: str, login: str, password: str = PASSWORD):
    return Client(REMOTE_ADDR=address).post(LOGIN, {"login": login, "password": password})


def outcomes(owner: str, other: str) -> dict[str, str]:
    """How each path treats `other` once `owner` is registered: "same", "other" or "refused"
    (turned away for its form before anything is looked up)."""
    user = make_user(owner, "Jonas", "Vaitkus")
    contract = make_contract(email=other)
    found: dict[str, str] = {"signup": signup(other)}

    response = log_in("192.0.2.1", other)
    if response.status_code == 302:
        found["login"] = "same"
    else:
        refused = "login" in response.context["form"].errors
        found["login"] = "refused" if refused else "other"

    # One failed login with `other` from one address; the per-e-mail ceiling is one.
    cache.clear()
    wrong = log_in("203.0.113.9", other, "Neteisingas1")
    if wrong.status_code == 200 and "login" in wrong.context["form"].errors:
        found["limit"] = "refused"
    else:
        found["limit"] = "same" if log_in("198.51.100.7", owner).status_code == 429 else "other"

    assert EmailAddress.objects.filter(user=user, email=owner, verified=True).exists()
    linked = link_by_email(user=user, email=owner)
    found["linking"] = "same" if contract in linked else "other"
    return found


def registrable(address: str) -> bool:
    try:
        check_email(address)
    except ValidationError:
        return False
    return True


@pytest.mark.django_db
@settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_two_addresses_are_one_identity_everywhere_or_nowhere(data, settings_fixture) -> None:
    owner = data.draw(owners(), label="owner")
    other = data.draw(others(owner), label="other")
    assume(registrable(owner))
    same = email_key(owner) == email_key(other)
    event("one identity" if same else "two identities")
    with transaction.atomic():
        cache.clear()
        found = outcomes(owner, other)
        transaction.set_rollback(True)
    expected = "same" if same else "other"
    event(f"registration: {found['signup']}")
    # Every path agrees with the rule; only a form may turn an address away before looking
    # anything up, and registration does so by the text alone, never by who is registered.
    assert {path: result for path, result in found.items() if result != "refused"} == {
        path: expected for path, result in found.items() if result != "refused"
    }, (owner, other, found)
    assert (found["signup"] == "refused") == (not registrable(other))
    if same:
        assert found["login"] == found["limit"] == found["linking"] == "same"
        assert found["signup"] in {"same", "refused"}
    assert email_key(email_key(other)) == email_key(other)


@pytest.fixture
def settings_fixture(settings):
    """A fast hasher (each example registers an owner) and a per-e-mail login ceiling of one."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.ACCOUNT_RATE_LIMITS = {
        **settings.ACCOUNT_RATE_LIMITS,
        "login_failed_email": "1/h/key",
        "login_failed": "",
        "login": "",
    }
    assert set(string.ascii_lowercase) >= set(LETTERS)
    return settings
