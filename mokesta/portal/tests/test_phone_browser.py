"""Issue 8.3, "done when": at 390×844 no customer or account page scrolls sideways, no text is
cut off at the sides, and the amount due is on screen."""

import pytest

from mokesta.billing.ledger import amount_due_now
from mokesta.customers.models import Contract
from mokesta.lib.dates import add_months, local_today, month_start
from mokesta.portal.tests.browser_pages import (
    DEMO_LOGIN,
    customer_pages,
    load_demo,
    log_in,
    open_declaration_check,
    open_signup_errors,
    public_pages,
)
from mokesta.testing.factories import make_invoice

# Elements with their own text whose box leaves the viewport horizontally. The skip link waits
# off-screen until it gets the focus, by design.
OFF_SCREEN = """() => {
  const out = [];
  for (const el of document.body.querySelectorAll("*")) {
    if (el.closest(".skip")) continue;
    const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    if (!own) continue;
    for (const r of el.getClientRects()) {
      if (r.width && (r.left < -0.5 || r.right > window.innerWidth + 0.5)) {
        const text = el.textContent.trim().slice(0, 40);
        out.push(el.tagName + ": " + text + " " + r.left + "–" + r.right);
        break;
      }
    }
  }
  return out;
}"""


# Controls smaller than a 44 px touch target: buttons, the menu and the links standing alone.
SMALL_TARGETS = """() => [...document.querySelectorAll(
    "button, summary, .site-header a, .actions a, main li > a, main td a")]
  .filter(el => el.getClientRects().length && !el.closest(".skip"))
  .filter(el => el.getBoundingClientRect().height < 43.5)
  .map(el => "small target: " + el.textContent.trim().slice(0, 30))"""


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_every_page_fits_a_phone(live_server, page):
    load_demo()
    page.set_viewport_size({"width": 390, "height": 844})
    problems = []
    for url in public_pages():
        page.goto(live_server.url + url)
        problems += check(page, url)
    open_signup_errors(page, live_server.url)
    problems += check(page, "signup with errors")
    log_in(page, live_server.url)
    open_declaration_check(page, live_server.url)
    problems += check(page, "declaration check")
    for url in customer_pages():
        page.goto(live_server.url + url)
        problems += check(page, url)
        # The compact menu opens (a <details>, no script needed) and fits too.
        if url == customer_pages()[0]:
            page.get_by_text("Meniu").click()
            page.get_by_role("navigation", name="Meniu").get_by_role(
                "link", name="Sąskaitos"
            ).wait_for()
            problems += check(page, url + " (menu open)")
    assert problems == [], "\n".join(problems)


def check(page, url: str) -> list[str]:
    problems = []
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > 390:
        problems.append(f"{url}: document {width} px wide")
    problems += [f"{url}: {item}" for item in page.evaluate(OFF_SCREEN)]
    problems += [f"{url}: {item}" for item in page.evaluate(SMALL_TARGETS)]
    return problems


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_amount_due_is_on_screen_on_the_dashboard_and_the_invoice(live_server, page):
    load_demo()
    # Something is due whatever the demo data holds (a paid invoice asks for nothing).
    contract = Contract.objects.filter(accesses__user__email=DEMO_LOGIN[0]).order_by("number")[0]
    if amount_due_now(contract).amount <= 0:
        make_invoice(contract, month=add_months(month_start(local_today()), -13), total="40.00")
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server.url)
    pages = customer_pages()
    for url in (pages[0], pages[9]):
        page.goto(live_server.url + url)
        # On a phone the payment details are folded until tapped (site.js).
        page.locator("details.payment-details > summary").first.click()
        amount = page.locator(".amount-due").first
        amount.scroll_into_view_if_needed()
        assert amount.is_visible()
        box = amount.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390, url
        assert amount.inner_text().endswith("€")
        # site.js shows the copy buttons (hidden without it) and copies the IBAN.
        page.context.grant_permissions(["clipboard-read", "clipboard-write"])
        copy = page.locator("button.copy").first
        copy.click()
        page.get_by_text("Nukopijuota").first.wait_for()
        assert page.evaluate("navigator.clipboard.readText()").startswith("LT")


CHART_TEXT_PX = """() => [...document.querySelectorAll("svg[role=img]")].flatMap(svg => {
  const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  return [...svg.querySelectorAll("text")].map(
    t => parseFloat(getComputedStyle(t).fontSize) * scale);
})"""


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_chart_text_is_at_least_12_px_on_a_phone(live_server, page):
    load_demo()
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server.url)
    page.goto(live_server.url + customer_pages()[7])
    sizes = page.evaluate(CHART_TEXT_PX)
    assert sizes and min(sizes) >= 11.9, min(sizes)
    # The table is one tap away.
    page.get_by_text("Tie patys skaičiai lentele").first.click()
    page.get_by_role("columnheader", name="Suvartojimas, m³").first.wait_for()
