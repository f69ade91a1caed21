from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, TestCase, override_settings

from mokesta.accounts.models import User
from mokesta.bank.models import StatementImport
from mokesta.bank.tests.conftest import Ledger, sample
from mokesta.payments.models import Payment
from mokesta.testing.staff import accountant, admin_client, clerk  # noqa: F401

pytestmark = pytest.mark.django_db

URL = "/admin/bank/statementimport/add/"


def upload(client: Client, name: str, data: bytes) -> Any:
    # The import task is enqueued when the upload commits; the test's transaction never does.
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(URL, {"file": SimpleUploadedFile(name, data)})


def test_the_page_has_a_labelled_file_field(accountant: User) -> None:  # noqa: F811
    html = admin_client(accountant).get(URL).content.decode()

    assert 'enctype="multipart/form-data"' in html
    assert '<label for="id_file" class="required">Išrašo failas:</label>' in html


def test_an_accountant_imports_a_statement(accountant: User, ledger: Ledger) -> None:  # noqa: F811
    client = admin_client(accountant)

    response = upload(client, "camt053.xml", sample("camt053.xml"))

    statement = StatementImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/admin/bank/statementimport/{statement.pk}/change/"
    assert statement.uploaded_by == accountant
    assert Payment.objects.count() == 4
    page = client.get(response["Location"]).content.decode()
    assert "Įrašų: 5; priskirta automatiškai: 3, nepriskirta: 1" in page


def test_it_shows_why_a_file_is_refused_next_to_the_field(staff: User, ledger: Ledger) -> None:
    response = upload(admin_client(staff), "statement.pdf", b"%PDF-1.7\n1 0 obj")

    html = response.content.decode()
    assert response.status_code == 200
    assert '<ul class="errorlist" id="id_file_error"><li>Tai ne banko išrašas' in html
    assert not StatementImport.objects.exists()
    assert not Payment.objects.exists()


def test_it_refuses_an_xml_bomb(staff: User, ledger: Ledger) -> None:
    bomb = b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><x>&b;</x>'

    response = upload(admin_client(staff), "bomb.xml", bomb)

    assert "dokumento tipo deklaracija (DOCTYPE)" in response.content.decode()
    assert not StatementImport.objects.exists()


@override_settings(STATEMENT_MAX_BYTES=500)
def test_it_refuses_an_oversized_file(staff: User, ledger: Ledger) -> None:
    response = upload(admin_client(staff), "camt053.xml", sample("camt053.xml"))

    assert "Failas per didelis" in response.content.decode()
    assert not Payment.objects.exists()


def test_it_asks_for_a_file(staff: User) -> None:
    response = admin_client(staff).post(URL, {})

    assert "Šis laukas yra privalomas." in response.content.decode()


def test_it_refuses_an_empty_upload(staff: User) -> None:
    response = upload(admin_client(staff), "empty.csv", b"")

    # Django refuses a zero-byte upload before our parser sees it.
    assert "Nurodytas failas yra tuščias." in response.content.decode()
    assert not StatementImport.objects.exists()


def test_a_customer_is_sent_to_the_staff_login(alice: User) -> None:
    client = Client()
    client.force_login(alice)

    response = upload(client, "camt053.xml", sample("camt053.xml"))

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert not StatementImport.objects.exists()


def test_a_clerk_may_not_import_statements(clerk: User) -> None:  # noqa: F811
    client = admin_client(clerk)

    assert client.get(URL).status_code == 403
    assert upload(client, "camt053.xml", sample("camt053.xml")).status_code == 403
    assert not StatementImport.objects.exists()
