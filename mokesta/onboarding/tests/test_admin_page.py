"""The admin page „Duomenų importas": upload, a background task, the result by row and column,
the templates to download, and who may use it."""

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, TestCase
from django.urls import reverse

from mokesta.accounts.models import User
from mokesta.customers.models import Contract
from mokesta.onboarding.models import CustomerImport
from mokesta.onboarding.tests.helpers import csv_file, row
from mokesta.testing.billing import at
from mokesta.testing.staff import accountant, admin_client, clerk, fresh_rate_limits  # noqa: F401

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse

ADD = "admin:onboarding_customerimport_add"
SAMPLES = Path(__file__).resolve().parents[1] / "samples"


@pytest.fixture(autouse=True)
def _clock() -> Iterator[None]:
    with time_machine.travel(at("2026-12-02"), tick=False):
        yield


def upload(client: Client, data: bytes, **fields: object) -> "_MonkeyPatchedWSGIResponse":
    """Upload, let the task run (it is queued when the request's transaction commits), then
    open the import's page the upload redirected to."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(
            reverse(ADD),
            {
                "file": SimpleUploadedFile("klientai.csv", data),
                "balance_date": "2026-11-30",
                **fields,
            },
        )
    assert response.status_code == 302
    return client.get(response["Location"])


def test_the_page_offers_each_template_filled(accountant: User) -> None:  # noqa: F811
    client = admin_client(accountant)
    page = client.get(reverse(ADD)).content.decode()
    assert "Duomenų importas" in page
    for name in ("customers.csv", "customers.xlsx", "reading-history.csv", "reading-history.xlsx"):
        url = reverse("admin:onboarding_customerimport_template", args=[name])
        assert url in page
        response = client.get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == (SAMPLES / name).read_bytes()  # type: ignore[attr-defined]
    assert (
        client.get(reverse("admin:onboarding_customerimport_template", args=["x"])).status_code
        == 404
    )


def test_a_dry_run_lists_the_problems_by_row_and_column(accountant: User) -> None:  # noqa: F811
    client = admin_client(accountant)
    data = csv_file([row(), row(contract_number="SUT-2", payer_code="2", email="ne-adresas")])

    page = upload(client, data, dry_run="on").content.decode()

    job = CustomerImport.objects.get()
    assert job.state == "failed" and job.uploaded_by == accountant and job.dry_run
    assert "Rasta 1 klaida; niekas neimportuota." in page
    assert "<td>3</td><td>email</td><td>Įveskite teisingą el. pašto adresą.</td>" in page
    assert not Contract.objects.exists()


def test_a_real_run_shows_what_was_written(accountant: User) -> None:  # noqa: F811
    client = admin_client(accountant)

    checked = upload(client, csv_file([row()]), dry_run="on").content.decode()
    assert "klaidų nerasta; niekas neįrašyta" in checked and not Contract.objects.exists()

    page = upload(client, csv_file([row()]), invite="on").content.decode()

    assert "Importuota eilučių: 1." in page
    assert "Sukurta sutarčių" in page and "Kvietimų išsiųsti" in page
    assert Contract.objects.get().number == "SUT-1"


def test_the_uploaded_text_is_escaped(accountant: User) -> None:  # noqa: F811
    client = admin_client(accountant)
    data = csv_file([row(customer_type="<script>alert(1)</script>")])
    page = upload(client, data, dry_run="on").content.decode()
    assert "<script>alert" not in page


def test_a_clerk_may_not_import(clerk: User) -> None:  # noqa: F811
    assert admin_client(clerk).get(reverse(ADD)).status_code == 403


def test_a_file_too_large_is_refused_next_to_the_field(accountant: User, settings) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    settings.IMPORT_MAX_BYTES = 100
    client = admin_client(accountant)
    response = client.post(
        reverse(ADD),
        {"file": SimpleUploadedFile("k.csv", b"x" * 101), "balance_date": "2026-11-30"},
    )
    assert response.status_code == 200
    assert 'id="id_file_error"' in response.content.decode()
    assert not CustomerImport.objects.exists()


def test_staff_see_the_opening_balances_as_pradinis_likutis(accountant: User) -> None:  # noqa: F811
    from mokesta.onboarding.importing import import_file

    data = csv_file(
        [
            row(opening_balance="12,50"),
            row(contract_number="SUT-2", payer_code="2", meter_serial="M-2", opening_balance="-3"),
        ]
    )
    assert import_file(data=data, dry_run=False).written
    client = admin_client(accountant)

    invoices = client.get(reverse("admin:billing_invoice_changelist"), {"kind": "opening"})
    payments = client.get(reverse("admin:payments_payment_changelist"), {"source": "opening"})

    assert "LIKUTIS0000001" in invoices.content.decode()
    assert "pradinis likutis" in invoices.content.decode()
    page = payments.content.decode()
    assert "SUT-2" in page and '<td class="field-source">pradinis likutis</td>' in page
