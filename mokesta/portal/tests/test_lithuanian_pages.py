"""Issue 8: nothing in English on the Lithuanian customer, account and public pages (none of our
translated strings shows in its English original)."""

import re

import pytest
from django.core.management import call_command
from django.test import Client

from mokesta.portal.tests.browser_pages import DEMO_LOGIN, customer_pages, public_pages
from mokesta.testing.lithuanian import english_patterns, visible_text


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=None)


def test_no_page_shows_an_english_string_of_ours(demo):
    client = Client()
    patterns = english_patterns()
    pages = public_pages()
    found = []
    for url in pages:
        text = visible_text(client.get(url).content)
        found += [(url, p.pattern) for p in patterns if p.search(text)]
    assert client.login(email=DEMO_LOGIN[0], password=DEMO_LOGIN[1])
    for url in customer_pages():
        response = client.get(url)
        assert response.status_code == 200, url
        text = visible_text(response.content)
        found += [(url, p.pattern) for p in patterns if p.search(text)]
    assert found == [], "\n".join(f"{u}  {p}" for u, p in found)
    assert re.search("Klientų savitarna", text)
