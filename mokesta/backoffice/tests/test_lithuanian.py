"""Issue 8.9: the back office in Lithuanian. Every catalogue has Lithuanian's three plural
forms; no admin page staff use shows an English string of our code; the billing-run page tells
the truth; the invoice list shows paid / unpaid in constant queries."""

import datetime as dt
import re

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mokesta.backoffice.tests.conftest import admin_client
from mokesta.billing.models import BillingPeriod, Invoice
from mokesta.testing.factories import make_contract, make_invoice, make_payment
from mokesta.testing.lithuanian import CATALOGUES, english_patterns, po_entries, visible_text

PLURAL_FORMS = (
    "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && (n%100<10 || n%100>=20) ? 1 : 2);"
)


def test_there_are_catalogues():
    assert len(CATALOGUES) >= 9


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: p.parts[-5])
def test_every_catalogue_has_lithuanian_plural_forms(path):
    header = next(e for e in po_entries(path) if e["msgid"] == "")
    assert f"Plural-Forms: {PLURAL_FORMS}" in header["msgstr"]
    for entry in po_entries(path):
        if "msgid_plural" in entry:
            forms = [entry.get(f"msgstr[{n}]", "") for n in range(3)]
            assert all(forms), f"{path}: {entry['msgid']!r} lacks a plural form"
            assert "msgstr[3]" not in entry, f"{path}: {entry['msgid']!r} has a 4th form"


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=None)


def staff_pages() -> list[str]:
    pages = []
    for model in admin.site._registry:
        base = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        pages.append(base)
        pages.append(f"{base}add/")
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            pages.append(f"{base}{first.pk}/change/")
    period = BillingPeriod.objects.order_by("-month")[0]
    pages.append(f"/admin/billing/billingperiod/{period.pk}/bill/")
    pages.append("/admin/bank/statementimport/add/")
    pages.append("/admin/")
    return pages


def test_no_admin_page_staff_use_shows_an_english_string_of_ours(staff, demo):
    client = admin_client(staff)
    patterns = english_patterns()
    assert len(patterns) > 200
    found = []
    for url in staff_pages():
        response = client.get(url)
        if response.status_code == 403:  # e.g. adding invoices by hand
            continue
        assert response.status_code == 200, url
        text = visible_text(response.content)
        found += [(url, p.pattern) for p in patterns if p.search(text)]
    assert found == [], "\n".join(f"{u}  {p}" for u, p in found)


def test_the_changelist_titles_are_grammatical(staff, demo):
    text = visible_text(admin_client(staff).get("/admin/billing/invoice/").content)
    assert "Peržiūrai pasirinkite: sąskaita" in text
    assert "Pasirinkti sąskaita peržiūrai" not in text


def test_the_billing_run_page_tells_the_truth(staff):
    contract = make_contract()
    invoice = make_invoice(contract, month=dt.date(2026, 4, 1))
    client = admin_client(staff)
    url = f"/admin/billing/billingperiod/{invoice.period.pk}/bill/"
    text = visible_text(client.get(url).content)
    assert "Šiam laikotarpiui išrašyta 1 sąskaita." in text
    assert "Sąskaitos dar neišrašytos" not in text

    for _ in range(11):
        make_invoice(make_contract(), month=dt.date(2026, 4, 1))
    text = visible_text(client.get(url).content)
    assert "Šiam laikotarpiui išrašyta 12 sąskaitų." in text

    empty = BillingPeriod.objects.create(month=dt.date(2026, 5, 1))
    text = visible_text(client.get(f"/admin/billing/billingperiod/{empty.pk}/bill/").content)
    assert "Sąskaitos dar neišrašytos." in text


def test_the_invoice_list_shows_paid_and_unpaid_in_constant_queries(staff):
    client = admin_client(staff)

    def page_queries() -> tuple[int, str]:
        client.get("/admin/billing/invoice/")
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/admin/billing/invoice/")
        return len(queries), visible_text(response.content)

    contract = make_contract()
    first = make_invoice(contract, month=dt.date(2026, 3, 1), total="10.00")
    make_payment(contract, amount="10.00", day=dt.date(2026, 4, 10))
    few, text = page_queries()
    assert "apmokėta" in text
    second = make_invoice(contract, month=dt.date(2026, 4, 1), total="12.00", amount_due="12.00")
    for month in range(1, 13):
        other = make_contract()
        make_invoice(other, month=dt.date(2025, month, 1))
    many, text = page_queries()
    assert many == few
    states = {
        invoice.number: state for invoice, state in [(first, "apmokėta"), (second, "neapmokėta")]
    }
    for number, state in states.items():
        assert re.search(rf"{number} .*? {state}", text), number
    assert Invoice.objects.count() == 14
