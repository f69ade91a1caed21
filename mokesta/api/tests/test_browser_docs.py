"""Done when: /api/v1/docs/ renders in the browser with no CSP violation."""

import pytest


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_docs_page_renders_without_a_csp_violation(live_server, page):
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text)
            if "Content Security Policy" in message.text or "Refused to" in message.text
            else None
        ),
    )
    page.add_init_script(
        "window.__cspViolations = [];"
        "document.addEventListener('securitypolicyviolation',"
        " e => window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));"
    )
    page.goto(live_server.url + "/api/v1/docs/")
    page.wait_for_selector(".opblock")
    assert page.locator(".opblock").count() == 10
    reported = page.evaluate("() => window.__cspViolations || []")
    assert violations == [] and reported == []
