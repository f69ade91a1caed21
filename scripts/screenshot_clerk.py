"""The README's screenshot of the clerk's customer page (docs/clerk-customer.png), made with
Playwright against a running demo server (`make run`, where two-factor login is off):
`python scripts/screenshot_clerk.py [URL]`. It opens the customer list, then the first
customer of the demo login's contracts, as the demo staff user."""

import sys

from playwright.sync_api import sync_playwright

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"

with sync_playwright() as playwright:
    browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
    page = browser.new_context(viewport={"width": 1280, "height": 1400}, locale="lt-LT").new_page()
    page.goto(f"{BASE}/admin/login/")
    page.fill("#id_username", "staff@mokesta.lt")
    page.fill("#id_password", "Demo2026pass")
    page.get_by_role("button", name="Prisijungti").click()
    page.get_by_text("Darbo eilės").wait_for()
    page.goto(f"{BASE}/admin/customers/customer/?q=demo%40mokesta.lt")
    page.locator("#result_list tbody a").first.click()
    page.get_by_text("Savitarnos paskyros, matančios šią sutartį").first.wait_for()
    page.screenshot(path="docs/clerk-customer.png", full_page=False)
    browser.close()
