"""Fixtures of the account tests: a clean rate-limit cache, e-mail sent after commit, and a real
SMTP server (aiosmtpd, from mokesta/testing/smtp.py) that catches what Django sends."""

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from typing import Any

import pytest
from django.core.cache import cache

from mokesta.testing.smtp import smtp_sink  # noqa: F401


@pytest.fixture(autouse=True)
def fresh_rate_limits() -> Iterator[None]:
    # allauth counts attempts in the cache; every test starts from zero.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def committed(
    django_capture_on_commit_callbacks: Callable[..., AbstractContextManager[Any]],
) -> Callable[[], AbstractContextManager[Any]]:
    """`with committed(): client.post(...)` runs what waits for the commit (the e-mail tasks):
    the test database never commits, as every test runs inside a transaction."""
    return lambda: django_capture_on_commit_callbacks(execute=True)
