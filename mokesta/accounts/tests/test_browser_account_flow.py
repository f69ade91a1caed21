"""The user guide end to end in Chromium, with e-mail through a real SMTP server: register,
confirm, log in, log out, forgot password, log in with the new password."""

import re

import pytest
from allauth.account.models import EmailAddress

from mokesta.accounts.models import User


def link_in(message, path: str) -> str:
    text = message.get_body(preferencelist=("plain",)).get_content()
    match = re.search(rf"https?://\S+{re.escape(path)}\S+/", text)
    assert match, text
    return match.group(0)


@pytest.mark.browser
def test_register_confirm_login_logout_reset_and_login_again(
    page,
    live_server,
    smtp_sink,
) -> None:
    base = live_server.url

    # Register from the login box.
    page.goto(f"{base}/paskyra/login/")
    page.get_by_role("main").get_by_role("link", name="Registruotis").click()
    page.get_by_role("heading", name="Naujo naudotojo registracija").wait_for()
    page.get_by_label("Vardas *", exact=True).fill("Ona")
    page.get_by_label("Pavardė *", exact=True).fill("Žemaitytė")
    page.get_by_label("El. pašto adresas *", exact=True).fill("Ona@Example.lt")
    page.get_by_label("Slaptažodis *", exact=True).fill("Žalias123")
    page.get_by_label("Pakartokite slaptažodį *", exact=True).fill("Žalias123")
    page.get_by_label("Telefono numeris", exact=True).fill("8 612 34567")
    page.get_by_label("Gauti sąskaitas el. paštu").check()
    page.get_by_label("Priimti SMS žinutes").check()
    page.get_by_label("Susipažinau ir sutinku su svetainės taisyklėmis").check()
    page.get_by_role("button", name="Registruotis").click()
    page.get_by_role("heading", name="Patvirtinkite el. pašto adresą").wait_for()

    [welcome] = smtp_sink.messages
    assert welcome["To"] == "ona@example.lt"
    assert welcome["Subject"].strip().startswith("Patvirtinkite el. pašto adresą")
    user = User.objects.get(email="ona@example.lt")
    assert str(user.phone) == "+37061234567" and user.sms_opt_in and user.invoices_by_email

    # The link opens a page; only the button confirms.
    page.goto(link_in(welcome, "/paskyra/confirm-email/"))
    assert not EmailAddress.objects.get(email="ona@example.lt").verified
    page.get_by_role("button", name="Patvirtinti").click()
    page.get_by_role("heading", name="Prisijunkite prie savitarnos").wait_for()
    assert EmailAddress.objects.get(email="ona@example.lt").verified

    # Log in, greeted by first name; log out.
    page.get_by_label("Prisijungimo vardas (el. paštas) *").fill("ona@example.lt")
    page.get_by_label("Slaptažodis *", exact=True).fill("Žalias123")
    page.get_by_role("button", name="Prisijungti").click()
    page.get_by_role("heading", name="Ona").wait_for()
    page.get_by_role("button", name="Atsijungti").click()
    page.get_by_role("link", name="Prisijungti").first.wait_for()
    assert page.get_by_role("button", name="Atsijungti").count() == 0

    # Forgot the password.
    page.goto(f"{base}/paskyra/login/")
    page.get_by_role("link", name="Pamiršote slaptažodį?").click()
    page.get_by_label("El. pašto adresas *").fill("ONA@example.lt")
    page.get_by_role("button", name="Siųsti nuorodą").click()
    page.get_by_role("heading", name="Patikrinkite el. paštą").wait_for()
    reset = smtp_sink.messages[-1]
    assert reset["Subject"].strip().startswith("Nustatykite naują slaptažodį")

    page.goto(link_in(reset, "/paskyra/password/reset/key/"))
    page.get_by_label("Naujas slaptažodis *").fill("Upė2026vanduo")
    page.get_by_label("Pakartokite slaptažodį *").fill("Upė2026vanduo")
    page.get_by_role("button", name="Išsaugoti naują slaptažodį").click()
    page.get_by_role("heading", name="Slaptažodis pakeistas").wait_for()
    assert smtp_sink.messages[-1]["Subject"].strip().startswith("Jūsų slaptažodis pakeistas")

    # The old password no longer works; the new one does.
    page.goto(f"{base}/paskyra/login/")
    page.get_by_label("Prisijungimo vardas (el. paštas) *").fill("ona@example.lt")
    page.get_by_label("Slaptažodis *", exact=True).fill("Žalias123")
    page.get_by_role("button", name="Prisijungti").click()
    page.get_by_text("Pateiktas el. pašto adresas ir/arba slaptažodis yra neteisingi.").wait_for()
    page.get_by_label("Slaptažodis *", exact=True).fill("Upė2026vanduo")
    page.get_by_role("button", name="Prisijungti").click()
    page.get_by_role("heading", name="Ona").wait_for()
    assert page.get_by_role("button", name="Atsijungti").is_visible()
