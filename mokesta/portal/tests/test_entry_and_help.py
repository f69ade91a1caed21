"""The guide's way in (issue 8.1) and the help page (8.7): every page's header leads to the
self-service, the login box and the registration."""

import pytest
from django.urls import reverse

from mokesta.utility.models import Utility

PUBLIC_PAGES = ["portal:home", "portal:rules", "portal:help", "news:list", "account_login"]


@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_every_page_offers_the_self_service_login_and_registration_when_logged_out(
    client, db, name
):
    html = client.get(reverse(name)).content.decode()
    login, signup = reverse("account_login"), reverse("account_signup")
    assert f'<a class="selfservice" href="{login}">Klientų savitarna</a>' in html
    assert f'<a href="{login}">Prisijungti</a>' in html
    assert f'<a href="{signup}">Registruotis</a>' in html
    assert f'<a href="{reverse("portal:help")}">Pagalba</a>' in html
    # The compact phone menu is a <details>: it opens without JavaScript.
    assert '<details class="menu">' in html and "<summary>Meniu</summary>" in html


@pytest.mark.parametrize("name", PUBLIC_PAGES[:-1])
def test_logged_in_the_header_leads_to_the_dashboard(client, alice, name):
    client.force_login(alice)
    html = client.get(reverse(name)).content.decode()
    dashboard = reverse("portal:dashboard")
    assert f'<a class="selfservice" href="{dashboard}">Klientų savitarna</a>' in html
    assert f'<a href="{reverse("account_signup")}">Registruotis</a>' not in html


def test_the_home_page_takes_a_logged_in_user_to_the_self_service(client, alice):
    anonymous = client.get(reverse("portal:home")).content.decode()
    assert "Eiti į savitarną" not in anonymous
    assert "užsiregistruokite" in anonymous

    client.force_login(alice)
    html = client.get(reverse("portal:home")).content.decode()
    assert f'href="{reverse("portal:dashboard")}">Eiti į savitarną</a>' in html
    assert "užsiregistruokite" not in html
    assert f'class="button secondary" href="{reverse("account_signup")}"' not in html


def test_the_help_page_explains_meters_numbers_deadlines_and_gives_the_contacts(client, db):
    Utility.objects.create(
        name="VšĮ Velžio komunalinis ūkis",
        short_name="Velžio komunalinis ūkis",
        phone="+370 45 512345",
        email="info@velziokomunalinis.lt",
        address="Liepų g. 1, Velžys",
    )
    html = client.get("/pagalba/").content.decode()
    for text in [
        "Kaip nurašyti vandens skaitiklio rodmenis",
        "Kur rasti sutarties numerį ir mokėtojo kodą",
        "Terminai",
        "Kontaktai",
        "+370 45 512345",
        "info@velziokomunalinis.lt",
        "Liepų g. 1, Velžys",
    ]:
        assert text in html, text


def test_the_linking_form_links_to_the_help(client, alice):
    client.force_login(alice)
    html = client.get(reverse("customers:link")).content.decode()
    assert f'href="{reverse("portal:help")}#help-invoice">Kur rasti šiuos numerius?</a>' in html


def test_a_wrong_linking_pair_gets_an_error_summary_linking_to_the_fields(client, alice):
    client.force_login(alice)
    html = client.post(
        reverse("customers:link"), {"number": "", "payer_code": "nėra"}
    ).content.decode()
    assert 'class="error-summary"' in html
    assert 'href="#id_number"' in html


def test_the_password_change_page_looks_like_the_account_pages_and_links_back(client, alice):
    client.force_login(alice)
    html = client.get(reverse("account_change_password")).content.decode()
    assert f'href="{reverse("accounts:profile")}">← Mano duomenys</a>' in html
    assert "<h1>Keisti slaptažodį</h1>" in html
    assert 'class="site-header"' in html

    wrong = client.post(
        reverse("account_change_password"),
        {"oldpassword": "neteisingas", "password1": "Nauja1234", "password2": "Nauja1234"},
    ).content.decode()
    assert 'class="error-summary"' in wrong and 'href="#id_oldpassword"' in wrong


def test_every_page_has_a_favicon_and_the_home_title_names_the_utility_once(client, db):
    html = client.get("/").content.decode()
    icon = html.split('<link rel="icon" href="', 1)[1].split('"', 1)[0]
    assert "favicon" in icon and icon.endswith(".svg")
    title = html.split("<title>", 1)[1].split("</title>", 1)[0]
    assert title.count("komunalinis") <= 1 and title.count("MOKESTA") <= 1
