"""Every customer page shows contract data only to users linked to the contract."""

import pytest
from django.urls import reverse

from mokesta.testing.linked_history import make_history

# (url name, which object of the history is its argument)
OBJECT_URLS = [
    ("customers:contract", "contract"),
    ("customers:unlink", "contract"),
    ("metering:declare", "contract"),
    ("metering:meter", "meter"),
    ("metering:reading", "reading"),
    ("metering:consumption", "contract"),
    ("metering:consumption_csv", "contract"),
    ("billing:detail", "invoice"),
    ("billing:pdf", "invoice"),
    ("payments:list", "contract"),
]
PLAIN_URLS = [
    "portal:dashboard",
    "customers:link",
    "metering:declare_pick",
    "metering:consumption_pick",
    "billing:list",
    "payments:pick",
    "accounts:profile",
    "accounts:profile_export",
    "accounts:profile_delete",
]


@pytest.fixture
def history(alice):
    return make_history(alice, 2)


def url_of(name, key, history):
    return reverse(name, args=[history[key].pk])


@pytest.mark.parametrize(("name", "key"), OBJECT_URLS)
def test_another_user_gets_404_and_a_visitor_the_login_page(client, bob, history, name, key):
    url = url_of(name, key, history)
    method = client.post if name == "customers:unlink" else client.get
    response = method(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login") + "?next=")
    client.force_login(bob)
    assert method(url).status_code == 404


@pytest.mark.parametrize(("name", "key"), OBJECT_URLS)
def test_the_linked_user_sees_the_page(client, alice, history, name, key):
    client.force_login(alice)
    if name == "customers:unlink":
        assert client.post(url_of(name, key, history)).status_code == 302
    else:
        assert client.get(url_of(name, key, history)).status_code == 200


@pytest.mark.parametrize("name", PLAIN_URLS)
def test_a_visitor_gets_the_login_page(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login") + "?next=")


def test_other_users_invoices_are_not_listed(client, alice, bob, history):
    client.force_login(bob)
    response = client.get(reverse("billing:list"))
    assert history["invoice"].number not in response.content.decode()
    response = client.get(reverse("portal:dashboard"))
    assert history["contract"].number not in response.content.decode()
