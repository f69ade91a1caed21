"""Staff members in the two groups, a logged-in admin client that passed the second factor, and
a clean rate-limit cache (failed-login counters) for the tests that log in."""

from collections.abc import Iterator

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from mokesta.accounts.models import User
from mokesta.backoffice.groups import ACCOUNTANT, CLERK
from mokesta.conftest import make_user


def staff_in(group: str, email: str) -> User:
    user = make_user(email, "Darbuotojas", group.title(), is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def clerk(db: None) -> User:
    return staff_in(CLERK, "klerke@example.lt")


@pytest.fixture
def accountant(db: None) -> User:
    return staff_in(ACCOUNTANT, "buhaltere@example.lt")


def admin_client(user: User) -> Client:
    """A client logged in as `user` with a verified TOTP device, as after a full 2FA login."""
    client = Client()
    client.force_login(user)
    device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture(autouse=True)
def fresh_rate_limits() -> Iterator[None]:
    """Failed-login counters (per IP, shared with allauth) live in the cache, which outlives a
    test: start clean, and leave none behind for the next test's login. Autouse in every
    conftest or test module that imports it."""
    cache.clear()
    yield
    cache.clear()
