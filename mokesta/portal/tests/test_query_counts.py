"""Every customer page runs as many SQL queries with 24 months of history as with one, and
at most MAX_QUERIES (the target of bench/web.py)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mokesta.testing.linked_history import make_history

MAX_QUERIES = 8

PAGES = [
    ("portal:dashboard", None),
    ("customers:contract", "contract"),
    ("metering:declare", "contract"),
    ("metering:meter", "meter"),
    ("metering:reading", "reading"),
    ("metering:consumption", "contract"),
    ("metering:consumption_csv", "contract"),
    ("billing:list", None),
    ("billing:detail", "invoice"),
    ("billing:pdf", "invoice"),
    ("payments:list", "contract"),
    ("accounts:profile", None),
    ("accounts:profile_export", None),
]


def count_queries(client, user, months, name, key):
    history = make_history(user, months)
    client.force_login(user)
    url = reverse(name, args=[history[key].pk]) if key else reverse(name)
    client.get(url)  # warm up: the PDF is stored on first download, caches fill
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(("name", "key"), PAGES)
def test_queries_do_not_grow_with_history(client, alice, bob, name, key):
    one = count_queries(client, alice, 1, name, key)
    many = count_queries(client, bob, 24, name, key)
    assert one == many
    assert many <= MAX_QUERIES


def test_the_dashboard_reads_every_contract_in_the_same_queries(client, alice):
    """Balances and latest invoices of all linked contracts come in the page's fixed queries."""
    make_history(alice, 3)
    client.force_login(alice)
    url = reverse("portal:dashboard")
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    make_history(alice, 3)
    make_history(alice, 3)
    with CaptureQueriesContext(connection) as three:
        response = client.get(url)
    assert len(response.context["cards"]) == 3
    assert len(three) == len(one) <= MAX_QUERIES
