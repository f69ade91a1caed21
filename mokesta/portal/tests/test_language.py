import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_pages_are_lithuanian_even_for_an_english_browser(client) -> None:
    response = client.get(reverse("account_login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    html = response.content.decode()
    assert "Prisijunkite prie savitarnos" in html
    assert 'lang="lt"' in html
    assert response["Content-Language"] == "lt"


def test_the_language_button_switches_to_english_and_back(client) -> None:
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get(reverse("account_login")).content.decode()
    assert "Prisijunkite prie savitarnos" not in html
    assert 'lang="en"' in html
    client.post(reverse("set_language"), {"language": "lt", "next": "/"})
    assert "Prisijunkite prie savitarnos" in client.get(reverse("account_login")).content.decode()


def test_an_unknown_language_cookie_falls_back_to_lithuanian(client, settings) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "xx"
    assert "Prisijunkite prie savitarnos" in client.get(reverse("account_login")).content.decode()
