"""Issue 8.4: axe-core finds no WCAG 2.1 A/AA violation on any public, account or customer
page, at 1280 and 390 px wide."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from mokesta.portal.tests.browser_pages import (
    customer_pages,
    load_demo,
    log_in,
    open_declaration_check,
    open_signup_errors,
    public_pages,
)

WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


def violations(page, axe: Axe, url: str) -> list[str]:
    results = axe.run(page, options=WCAG)
    assert results.response["testEngine"]["name"] == "axe-core"
    assert results.response["passes"], url  # the rules did run
    return [
        f"{url} {page.viewport_size['width']}px: {v['id']} ({v['impact']}) "
        + "; ".join(node["target"][0] for node in v["nodes"][:3])
        for v in results.response["violations"]
    ]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_no_wcag_violations_on_any_page(live_server, page):
    load_demo()
    axe = Axe()
    found = []
    for width, height in [(1280, 900), (390, 844)]:
        page.set_viewport_size({"width": width, "height": height})
        for url in public_pages():
            page.goto(live_server.url + url)
            found += violations(page, axe, url)
        open_signup_errors(page, live_server.url)
        found += violations(page, axe, "signup with errors")
    log_in(page, live_server.url)
    for width, height in [(1280, 900), (390, 844)]:
        page.set_viewport_size({"width": width, "height": height})
        for url in customer_pages():
            page.goto(live_server.url + url)
            found += violations(page, axe, url)
        open_declaration_check(page, live_server.url)
        found += violations(page, axe, "declaration check")
    assert found == [], "\n".join(found)
