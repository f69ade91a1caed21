"""The e-mail change page /paskyra/email/ (allauth's view, our template and wording)."""

import datetime as dt
from html.parser import HTMLParser

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

pytestmark = pytest.mark.django_db

URL = reverse("account_email")
NEW = "ale.nauja@example.lt"


class Inputs(HTMLParser):
    """The visible inputs (their ids) and the `for` of every label of a page."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.inputs: list[str | None] = []
        self.labels: set[str] = set()
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "input" and found.get("type") != "hidden":
            self.inputs.append(found.get("id"))
        if tag == "label" and found.get("for"):
            self.labels.add(found["for"] or "")


def test_the_page_speaks_proper_lithuanian(client, alice) -> None:
    client.force_login(alice)
    html = client.get(URL).content.decode()
    for text in [
        "<title>El. pašto adresas",
        "<h1>El. pašto adresas</h1>",
        'for="current_email">Dabartinis el. pašto adresas</label>',
        'value="alice@example.lt" disabled',
        'for="id_email">Naujas el. pašto adresas *</label>',
        '<button type="submit" name="action_add">Keisti el. pašto adresą</button>',
        "Patvirtinimo nuorodą išsiunčiame naujuoju adresu",
    ]:
        assert text in html
    # allauth's own capitalised wording is gone.
    for text in ["El. Pašto Adresas", "Keisti El. Paštas Adresą", "Pakeista į"]:
        assert text not in html


def test_it_is_a_page_of_the_site_with_a_label_for_every_input(client, alice) -> None:
    client.force_login(alice)
    client.post(URL, {"email": NEW, "action_add": ""})
    html = client.get(URL).content.decode()
    assert 'id="main"' in html  # the site's frame (base.html)
    page = Inputs(html)
    assert page.inputs == ["current_email", "id_email"]
    assert set(page.inputs) <= page.labels


def test_a_pending_change_awaits_confirmation(client, alice) -> None:
    client.force_login(alice)
    client.post(URL, {"email": NEW, "action_add": ""})
    html = client.get(URL).content.decode()
    assert f"Laukia patvirtinimo: {NEW}</h2>" in html
    assert ">Siųsti patvirtinimą dar kartą</button>" in html
    assert ">Atšaukti keitimą</button>" in html
    alice.refresh_from_db()
    assert alice.email == "alice@example.lt"


def test_the_confirmation_can_be_sent_again_after_a_pause(client, alice, committed) -> None:
    client.force_login(alice)
    with time_machine.travel(dt.datetime(2026, 11, 27, 9, 0, tzinfo=dt.UTC), tick=False) as t:
        with committed():
            client.post(URL, {"email": NEW, "action_add": ""})
        mail.outbox.clear()
        with committed():
            client.post(URL, {"email": NEW, "action_send": ""})
        assert mail.outbox == []  # at most one confirmation e-mail in three minutes
        t.shift(dt.timedelta(minutes=3, seconds=1))
        with committed():
            response = client.post(URL, {"email": NEW, "action_send": ""})
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [[NEW]]


def test_the_change_can_be_cancelled(client, alice) -> None:
    client.force_login(alice)
    client.post(URL, {"email": NEW, "action_add": ""})
    client.post(URL, {"email": NEW, "action_remove": ""})
    assert list(EmailAddress.objects.filter(user=alice).values_list("email", flat=True)) == [
        "alice@example.lt"
    ]
    assert "Laukia patvirtinimo" not in client.get(URL).content.decode()


@pytest.mark.parametrize(
    ("value", "error"),
    [
        ("ne-adresas", "Įveskite teisingą el. pašto adresą."),
        ("", "Šis laukas yra privalomas."),
    ],
)
def test_a_wrong_address_is_refused_next_to_the_field(client, alice, value, error) -> None:
    client.force_login(alice)
    response = client.post(URL, {"email": value, "action_add": ""})
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<ul class="errorlist" id="id_email_error"><li id="id_email_error1">{error}' in html
    assert EmailAddress.objects.filter(user=alice).count() == 1


def test_it_asks_an_anonymous_visitor_to_log_in(client) -> None:
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
