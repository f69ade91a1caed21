"""Issue 8, "done when": the user guide followed from the home page by its Lithuanian labels,
in Chromium, with the confirmation e-mail through a real SMTP server."""

import re

import pytest

from mokesta.accounts.models import User
from mokesta.accounts.tests.test_browser_account_flow import link_in

# (password, the field's message): each rule refused on its own.
REFUSED = [
    ("Abc1234", "ne mažiau kaip 8 simboliai"),  # 7 characters
    ("Abcdefgh12345678", None),  # 16: allowed; made 17 below
    ("abcdefg1", "bent viena didžioji raidė"),
    ("ABCDEFG1", "bent viena mažoji raidė"),
    ("Abcdefgh", "bent vienas skaitmuo"),
]
REFUSED[1] = ("Abcdefgh123456789", "ne daugiau kaip 16 simbolių")  # 17 characters


@pytest.mark.browser
def test_the_guide_from_the_home_page_to_the_first_login(page, live_server, smtp_sink, settings):
    # The registration limit counts every attempt today (another change makes it count only
    # successful ones); this walk makes eight, so it gets room of its own.
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "signup": "100/m/ip"}
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + "/")

    # „Klientų savitarna" opens the login box, where „Registruotis" starts the registration.
    page.get_by_role("link", name="Klientų savitarna", exact=True).click()
    page.get_by_role("heading", name="Prisijunkite prie savitarnos").wait_for()
    page.get_by_role("main").get_by_role("link", name="Registruotis").click()
    page.get_by_role("heading", name="Naujo naudotojo registracija").wait_for()

    def fill(password: str, repeat: str | None = None, rules: bool = True) -> None:
        page.get_by_label("Vardas *", exact=True).fill("Ona")
        page.get_by_label("Pavardė *", exact=True).fill("Žemaitytė")
        page.get_by_label("El. pašto adresas *", exact=True).fill("ona@example.lt")
        page.get_by_label("Slaptažodis *", exact=True).fill(password)
        page.get_by_label("Pakartokite slaptažodį *", exact=True).fill(repeat or password)
        rules_box = page.get_by_label("Susipažinau ir sutinku su svetainės taisyklėmis")
        rules_box.set_checked(rules)
        page.get_by_role("main").get_by_role("button", name="Registruotis").click()

    summary = page.locator(".error-summary")
    for password, message in REFUSED:
        fill(password)
        summary.wait_for()
        # The summary takes the focus and links to the field; the message is by the field.
        assert summary.evaluate("el => el === document.activeElement")
        assert summary.get_by_role("link").first.get_attribute("href") == "#id_password1"
        assert message in page.locator("#id_password1_error").inner_text()
        # Nothing typed is lost but the passwords.
        assert page.get_by_label("Vardas *", exact=True).input_value() == "Ona"
        assert User.objects.count() == 0

    fill("Žalias123", repeat="Žalias124")
    page.locator("#id_password2_error").wait_for()
    fill("Žalias123", rules=False)
    page.locator("#id_accept_rules_error").wait_for()
    assert "svetainės taisyklėmis" in summary.inner_text()
    assert User.objects.count() == 0

    fill("Žalias123")
    page.get_by_role("heading", name="Patvirtinkite el. pašto adresą").wait_for()
    [welcome] = smtp_sink.messages
    assert welcome["To"] == "ona@example.lt"

    page.goto(link_in(welcome, "/paskyra/confirm-email/"))
    page.get_by_role("button", name="Patvirtinti").click()
    page.get_by_role("heading", name="Prisijunkite prie savitarnos").wait_for()
    page.get_by_label("Prisijungimo vardas (el. paštas) *").fill("ona@example.lt")
    page.get_by_label("Slaptažodis *", exact=True).fill("Žalias123")
    page.get_by_role("main").get_by_role("button", name="Prisijungti").click()
    page.wait_for_url(re.compile(r"/savitarna/$"))
    page.get_by_role("heading", name="Sveiki, Ona!").wait_for()
    # Logged in, „Klientų savitarna" leads to the dashboard.
    assert (
        page.get_by_role("link", name="Klientų savitarna", exact=True).get_attribute("href")
        == "/savitarna/"
    )
