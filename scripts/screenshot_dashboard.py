"""The README's phone screenshot of the dashboard (docs/dashboard-phone.png), made with Playwright
against a running demo server (`make run`): `python scripts/screenshot_dashboard.py [URL]`."""

import sys

from playwright.sync_api import sync_playwright

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"

with sync_playwright() as playwright:
    browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
    page = browser.new_context(viewport={"width": 390, "height": 844}, locale="lt-LT").new_page()
    page.goto(f"{BASE}/paskyra/login/")
    page.fill("input[name=login]", "demo@mokesta.lt")
    page.fill("input[name=password]", "Demo2026pass")
    page.locator("form:has(input[name=login]) [type=submit]").click()
    page.wait_for_url("**/savitarna/")
    page.screenshot(path="docs/dashboard-phone.png")
    browser.close()
