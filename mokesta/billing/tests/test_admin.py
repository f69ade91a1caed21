"""The billing back office: periods (close, bill, progress), invoices (read-only), credit notes."""

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.test import Client

from mokesta.accounts.models import User
from mokesta.billing.models import BillingPeriod, BillingRun, Invoice, Tariff
from mokesta.billing.run import bill_period
from mokesta.billing.tests.conftest import add_meter, at, make_contract
from mokesta.conftest import make_user
from mokesta.customers.models import Contract


@pytest.fixture
def staff_client(client: Client, staff: User) -> Client:
    client.force_login(staff)
    return client


@pytest.fixture
def contract(tariffs: None) -> Contract:
    contract = make_contract("VKU-2020-0001")
    add_meter(contract, readings={"2026-10": 110, "2026-11": 116})
    return contract


@pytest.fixture
def invoice(contract: Contract) -> Invoice:
    with time_machine.travel(at("2026-12-03"), tick=False):
        bill_period(month=dt.date(2026, 11, 1))
    return Invoice.objects.get()


def test_it_bills_a_period_from_the_button_and_shows_progress(
    staff_client: Client, contract: Contract, django_capture_on_commit_callbacks: Callable
) -> None:
    period = BillingPeriod.objects.create(month=dt.date(2026, 11, 1))
    url = f"/admin/billing/billingperiod/{period.pk}/bill/"
    with time_machine.travel(at("2026-12-03"), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            response = staff_client.post(url, {"month": "2026-11"})
        assert response.status_code == 302
        page = staff_client.get(url).content.decode()

    run = BillingRun.objects.get()
    assert (run.state, run.contracts_total, run.contracts_done, run.invoices_issued) == (
        "done",
        1,
        1,
        1,
    )
    assert Invoice.objects.filter(contract=contract, period=period).exists()
    assert 'value="100"' in page
    assert 'http-equiv="refresh"' not in page  # nothing running: no reload


def test_it_reloads_the_page_while_a_run_is_going_on(staff_client: Client) -> None:
    period = BillingPeriod.objects.create(month=dt.date(2026, 11, 1))
    BillingRun.objects.create(period=period, state="running", contracts_total=4, contracts_done=1)
    page = staff_client.get(f"/admin/billing/billingperiod/{period.pk}/bill/").content.decode()
    assert 'http-equiv="refresh"' in page
    assert 'value="25"' in page


def test_it_refuses_to_bill_a_month_that_has_not_ended(staff_client: Client) -> None:
    period = BillingPeriod.objects.create(month=dt.date(2026, 11, 1))
    with time_machine.travel(at("2026-11-20"), tick=False):
        response = staff_client.post(
            f"/admin/billing/billingperiod/{period.pk}/bill/", {"month": "2026-11"}, follow=True
        )
    assert "nepasibaigė" in response.content.decode()
    assert not BillingRun.objects.exists()
    assert BillingPeriod.objects.get().state == "open"


def test_it_refuses_the_bill_button_to_staff_without_the_permission(
    client: Client, db: None
) -> None:
    clerk = make_user("viewer@example.lt", "Vida", "Žiūrėtoja", is_staff=True)
    clerk.user_permissions.add(Permission.objects.get(codename="view_billingperiod"))
    client.force_login(clerk)
    period = BillingPeriod.objects.create(month=dt.date(2026, 11, 1))
    assert client.post(f"/admin/billing/billingperiod/{period.pk}/bill/").status_code == 403
    assert not BillingRun.objects.exists()


def test_the_close_action_opens_the_billing_preview(staff_client: Client) -> None:
    period = BillingPeriod.objects.create(month=dt.date(2026, 11, 1))
    with time_machine.travel(at("2026-12-03"), tick=False):
        response = staff_client.post(
            "/admin/billing/billingperiod/",
            {"action": "close_periods", "_selected_action": [period.pk]},
        )
    # Closing is confirmed on the preview by naming the month (backoffice/test_billing_preview).
    assert response.headers["Location"] == f"/admin/billing/billingperiod/{period.pk}/bill/"
    assert BillingPeriod.objects.get().state == "open"


def test_it_finds_invoices_by_contract_number_and_payer_code(
    staff_client: Client, invoice: Invoice
) -> None:
    for query in ("VKU-2020-0001", invoice.payer_code, invoice.number):
        page = staff_client.get("/admin/billing/invoice/", {"q": query}).content.decode()
        assert invoice.number in page
    page = staff_client.get("/admin/billing/invoice/", {"q": "NO-SUCH"}).content.decode()
    assert invoice.number not in page


def test_it_shows_an_invoice_read_only(staff_client: Client, invoice: Invoice) -> None:
    url = f"/admin/billing/invoice/{invoice.pk}/change/"
    page = staff_client.get(url).content.decode()
    assert "Geriamojo vandens tiekimas" in page
    assert 'name="_save"' not in page
    assert staff_client.post(url, {"total": "1.00"}).status_code == 403
    assert staff_client.post(f"/admin/billing/invoice/{invoice.pk}/delete/").status_code == 403
    assert Invoice.objects.get().total == invoice.total


def test_it_issues_a_credit_note_with_a_reason(staff_client: Client, invoice: Invoice) -> None:
    url = f"/admin/billing/invoice/{invoice.pk}/credit-note/"
    response = staff_client.post(url, {"reason": "Klaidingi rodmenys"})
    note = Invoice.objects.get(kind="credit_note")
    assert response.headers["Location"] == f"/admin/billing/invoice/{note.pk}/change/"
    assert (note.corrects, note.reason, note.total) == (
        invoice,
        "Klaidingi rodmenys",
        -invoice.total,
    )


def test_the_credit_note_page_explains_how_to_bill_the_month_again(
    staff_client: Client, invoice: Invoice
) -> None:
    page = staff_client.get(f"/admin/billing/invoice/{invoice.pk}/credit-note/").content.decode()
    assert "pataisykite šios sutarties 2026-11 skaitiklių rodmenis" in page
    assert "iš naujo paleiskite 2026-11 sąskaitų išrašymą" in page


def test_it_asks_for_the_reason_of_a_credit_note(staff_client: Client, invoice: Invoice) -> None:
    response = staff_client.post(
        f"/admin/billing/invoice/{invoice.pk}/credit-note/", {"reason": ""}
    )
    assert "Šis laukas yra privalomas." in response.content.decode()
    assert not Invoice.objects.filter(kind="credit_note").exists()


def test_it_refuses_to_credit_an_invoice_twice_with_a_message(
    staff_client: Client, invoice: Invoice
) -> None:
    url = f"/admin/billing/invoice/{invoice.pk}/credit-note/"
    staff_client.post(url, {"reason": "Klaida"})
    response = staff_client.post(url, {"reason": "Dar kartą"})
    assert "jau" in response.content.decode()  # „jau kredituota"
    assert Invoice.objects.filter(kind="credit_note").count() == 1


def test_the_credit_note_action_opens_the_form(staff_client: Client, invoice: Invoice) -> None:
    response = staff_client.post(
        "/admin/billing/invoice/",
        {"action": "credit_note_action", "_selected_action": [invoice.pk]},
    )
    assert response.headers["Location"] == f"/admin/billing/invoice/{invoice.pk}/credit-note/"


TARIFF = {
    "service": "water",
    "category": "apartment",
    "price": "1.0200",
    "vat_rate": "21",
    "valid_from": "2027-01-01",
    "valid_to": "",
}


def test_it_adds_a_tariff(staff_client: Client) -> None:
    staff_client.post("/admin/billing/tariff/add/", TARIFF)
    assert Tariff.objects.get().price == Decimal("1.0200")


@pytest.mark.parametrize(
    ("field", "wrong", "message"),
    [
        ("price", "-1", "Kaina negali būti neigiama."),
        ("price", "pigiai", "Įveskite skaičių."),
        ("vat_rate", "", "Šis laukas yra privalomas."),
        ("valid_from", "2027-13-01", "Įveskite tinkamą datą."),
        ("valid_to", "2026-12-31", "Kaina negali baigti galioti anksčiau, nei pradeda."),
        ("service", "gas", "Nurodykite tinkamą reikšmę. gas nėra galimas pasirinkimas."),
    ],
)
def test_it_rejects_a_wrong_tariff_field(
    staff_client: Client, field: str, wrong: str, message: str
) -> None:
    response = staff_client.post("/admin/billing/tariff/add/", {**TARIFF, field: wrong})
    assert message in response.content.decode()
    assert not Tariff.objects.exists()


def test_it_stores_a_new_period_as_the_first_day_of_its_month(staff_client: Client) -> None:
    staff_client.post("/admin/billing/billingperiod/add/", {"month": "2026-11-15"})
    assert BillingPeriod.objects.get().month == dt.date(2026, 11, 1)


def test_it_rejects_a_wrong_period_month(staff_client: Client) -> None:
    response = staff_client.post("/admin/billing/billingperiod/add/", {"month": "lapkritis"})
    assert "Įveskite tinkamą datą." in response.content.decode()
    assert not BillingPeriod.objects.exists()


def test_the_progress_page_shows_why_a_run_failed(
    staff_client: Client, db: None, django_capture_on_commit_callbacks: Callable
) -> None:
    add_meter(make_contract("VKU-2020-0002"), readings={"2026-11": 110})  # no tariffs at all
    period = BillingPeriod.objects.create(month=dt.date(2026, 11, 1))
    url = f"/admin/billing/billingperiod/{period.pk}/bill/"
    with time_machine.travel(at("2026-12-03"), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            staff_client.post(url, {"month": "2026-11"})
        page = staff_client.get(url).content.decode()

    assert BillingRun.objects.get().state == "failed"
    assert "Nėra galiojančios kainos: fee/apartment" in page
    assert not Invoice.objects.exists()


def test_it_filters_invoices_by_kind(staff_client: Client, invoice: Invoice) -> None:
    staff_client.post(
        f"/admin/billing/invoice/{invoice.pk}/credit-note/", {"reason": "Klaidingi rodmenys"}
    )
    note = Invoice.objects.get(kind="credit_note")
    page = staff_client.get("/admin/billing/invoice/", {"kind__exact": "credit_note"})
    assert note.number in page.content.decode()
    assert f">{invoice.number}<" not in page.content.decode()
