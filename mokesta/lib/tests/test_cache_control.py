"""Every customer and account page answers `Cache-Control: private, no-store`, whoever asks and
whatever the answer (a page, a download, a redirect, a 404); public pages stay cacheable for
visitors but not for a logged-in user, whose name their header shows."""

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from mokesta.accounts.models import User
from mokesta.lib.cache_control import PRIVATE_PREFIXES
from mokesta.onlinepay import providers
from mokesta.onlinepay.orders import start_order
from mokesta.testing.linked_history import make_history

pytestmark = pytest.mark.django_db


def private_urls() -> list[tuple[str, URLPattern]]:
    """(route, pattern) of every URL under the private prefixes, read from the URL conf: a page
    added later is tested too."""
    found = []

    def walk(resolver: URLResolver, prefix: str) -> None:
        for entry in resolver.url_patterns:
            route = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                walk(entry, route)
            elif ("/" + route).startswith(PRIVATE_PREFIXES):
                found.append((route, entry))

    walk(get_resolver(), "")
    return found


def directives(response: Any) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",")}


def test_the_walk_finds_the_customer_pages() -> None:
    names = {pattern.name for _route, pattern in private_urls()}
    assert {"dashboard", "detail", "pdf", "consumption_csv", "profile", "profile_export"} <= names
    assert {"order", "account_login", "messages"} <= names
    assert len(names) > 30


def test_every_private_url_answers_private_no_store(
    client: Client, alice: User, settings: Any
) -> None:
    settings.PAYMENT_PROVIDER = "demo"
    history = make_history(alice, 2)
    provider = providers.current()
    assert provider is not None
    order = start_order(
        user=alice, contract=history["contract"], amount=Decimal("5"), provider=provider
    )
    objects = {
        "contract": history["contract"].pk,
        "unlink": history["contract"].pk,
        "declare": history["contract"].pk,
        "consumption": history["contract"].pk,
        "consumption_csv": history["contract"].pk,
        "pay": history["contract"].pk,
        "meter": history["meter"].pk,
        "reading": history["reading"].pk,
        "detail": history["invoice"].pk,
        "pdf": history["invoice"].pk,
        "pay_invoice": history["invoice"].pk,
        "order": order.order_id,
    }
    client.force_login(alice)
    pages = 0
    for route, pattern in private_urls():
        keys = list(pattern.pattern.regex.groupindex)
        if keys == ["pk"] or keys == ["order_id"]:
            value = objects.get(pattern.name or "", 999999)  # another's id: a 404 page
            url = "/" + route.replace("<int:pk>", str(value)).replace("<str:order_id>", str(value))
        elif keys:  # allauth's keys in the e-mail links: a wrong key gets a page too
            url = "/" + route.split("^")[0] + "confirm-email/wrong/"
        else:
            url = "/" + route
        response = client.get(url)
        assert response.status_code < 500, url
        assert {"private", "no-store"} <= directives(response), (url, response.status_code)
        pages += response.status_code == 200
    # The pages themselves, not only their 404s: every page of the history opened.
    assert pages >= 25


def test_a_visitor_gets_no_store_on_the_login_page_but_not_on_public_pages(
    client: Client,
) -> None:
    assert {"private", "no-store"} <= directives(client.get(reverse("account_login")))
    assert {"private", "no-store"} <= directives(client.get("/savitarna/"))  # the redirect
    assert "no-store" not in directives(client.get(reverse("news:list")))


def test_a_public_page_shown_to_a_logged_in_user_is_private(client: Client, alice: User) -> None:
    client.force_login(alice)
    response = client.get(reverse("news:list"))
    assert "Alė" in response.content.decode()
    assert {"private", "no-store"} <= directives(response)


def test_the_invoice_pdf_keeps_its_own_no_store(client: Client, alice: User) -> None:
    history = make_history(alice, 1)
    client.force_login(alice)
    response = client.get(reverse("billing:pdf", args=[history["invoice"].pk]))
    assert response["Content-Type"] == "application/pdf"
    assert {"private", "no-store"} <= directives(response)
