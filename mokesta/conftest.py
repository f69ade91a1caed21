"""Shared fixtures: named users (alice and bob are customers, staff works at the utility),
and a Chromium page driven by Playwright for browser tests."""

import os
import shutil
from collections.abc import Iterator

import pytest
from allauth.account.models import EmailAddress

from mokesta.accounts.models import User

PASSWORD = "Slaptas1žodis"
CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(autouse=True)
def _forget_cached_utility() -> Iterator[None]:
    """Utility.current() is cached; each test's database rollback must not leave another
    test's utility details behind."""
    from mokesta.utility.models import Utility

    Utility.forget()
    yield
    Utility.forget()


def make_user(email: str, first_name: str, last_name: str, **extra: object) -> User:
    user = User.objects.create_user(
        email, PASSWORD, first_name=first_name, last_name=last_name, **extra
    )
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


@pytest.fixture
def alice(db: None) -> User:
    return make_user("alice@example.lt", "Alė", "Žemaitė")


@pytest.fixture
def bob(db: None) -> User:
    return make_user("bob@example.lt", "Bronius", "Šalčius")


@pytest.fixture
def staff(db: None) -> User:
    return make_user("clerk@example.lt", "Rūta", "Klerkienė", is_staff=True, is_superuser=True)


@pytest.fixture(scope="session")
def browser_instance() -> Iterator[object]:
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI") == "true":
            pytest.fail(f"{CHROMIUM} is missing; browser tests never skip in CI")
        pytest.skip(f"browser tests need {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread; the ORM calls in the test
    # body are still synchronous, so Django's async-safety check does not apply to them.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=shutil.which(CHROMIUM) or CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-quic",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser_instance: object) -> Iterator[object]:
    context = browser_instance.new_context(locale="lt-LT")  # type: ignore[attr-defined]
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


# The topology tests (nginx, gunicorns, workers, a replica, backup and restore; minutes long) run
# only when asked for by name: `pytest -m topology` (as `.ci/run` does). Any other selection,
# `-m "not browser"` included, leaves them out (deselected, not skipped), wherever they live.
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if "topology" in (config.getoption("markexpr") or ""):
        return
    chosen = [item for item in items if item.get_closest_marker("topology") is None]
    if len(chosen) != len(items):
        config.hook.pytest_deselected(items=[i for i in items if i not in chosen])
        items[:] = chosen
