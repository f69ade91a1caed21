"""Large statements as a background job (issue 9.4): upload → task → progress page → a result page
of at most 200 rows whose query count does not grow with the file."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from mokesta.accounts.models import User
from mokesta.bank.booking import import_statement, queue_statement, run_import
from mokesta.bank.models import BankTransaction, StatementImport
from mokesta.bank.tasks import import_statement_task, progress_key
from mokesta.bank.tests.camt import document, entry, tx
from mokesta.bank.tests.conftest import Ledger, sample
from mokesta.bank.tests.test_statement_upload import upload
from mokesta.payments.models import Payment
from mokesta.testing.staff import accountant, admin_client, clerk  # noqa: F401

pytestmark = pytest.mark.django_db


def page_of(client: Client, statement: StatementImport, query: str = "") -> str:
    response = client.get(f"/admin/bank/statementimport/{statement.pk}/change/{query}")
    assert response.status_code == 200
    return response.content.decode()


def big_statement(entries: int) -> bytes:
    return document(*[entry("1.00", tx(f"Ačiū {i}"), ref=f"E{i:06d}") for i in range(entries)])


def test_with_the_immediate_backend_the_upload_shows_the_result(
    accountant: User,  # noqa: F811
    ledger: Ledger,
) -> None:
    client = admin_client(accountant)

    response = upload(client, "camt053.xml", sample("camt053.xml"))

    statement = StatementImport.objects.get()
    assert statement.state == StatementImport.State.DONE
    assert statement.content == sample("camt053.xml")  # kept: the worker reads it from here
    html = page_of(client, statement)
    assert response["Location"].endswith(f"/{statement.pk}/change/")
    assert 'http-equiv="refresh"' not in html
    assert html.count('class="statement-row"') == 5
    assert "nurodyti keli" not in html and "nerastas nei įmokos kodas" in html


def test_a_queued_import_shows_its_progress_and_then_its_result(
    accountant: User,  # noqa: F811
    ledger: Ledger,
) -> None:
    client = admin_client(accountant)
    statement = queue_statement(data=sample("camt053.xml"), filename="camt053.xml", user=accountant)

    queued = page_of(client, statement)
    assert '<meta http-equiv="refresh" content="3">' in queued
    assert "laukia eilėje" in queued
    assert not Payment.objects.exists()

    StatementImport.objects.filter(pk=statement.pk).update(state=StatementImport.State.RUNNING)
    cache.set(progress_key(statement.pk), 2)
    running = page_of(client, statement)
    assert '<progress max="100" value="40">' in running
    assert "2 / 5" in running

    StatementImport.objects.filter(pk=statement.pk).update(state=StatementImport.State.QUEUED)
    import_statement_task.call(statement.pk)

    done = page_of(client, statement)
    assert 'http-equiv="refresh"' not in done
    assert "Įrašų: 5; priskirta automatiškai: 3, nepriskirta: 1" in done
    assert Payment.objects.count() == 4


def test_a_task_delivered_twice_imports_once(ledger: Ledger) -> None:
    statement = queue_statement(data=sample("camt053.xml"), filename="camt053.xml")

    run_import(statement_id=statement.pk)
    run_import(statement_id=statement.pk)

    assert Payment.objects.count() == 4
    assert BankTransaction.objects.count() == 5


def test_a_failed_import_says_why_and_books_nothing(accountant: User, ledger: Ledger) -> None:  # noqa: F811
    statement = queue_statement(data=sample("camt053.xml"), filename="camt053.xml")
    # The file changed after it was checked (say, a newer limit): the worker refuses it.
    StatementImport.objects.filter(pk=statement.pk).update(content=b"<Document>")

    run_import(statement_id=statement.pk)

    statement.refresh_from_db()
    assert statement.state == StatementImport.State.FAILED
    assert statement.error == "XML failas sugadintas (1 eilutė)."
    assert not BankTransaction.objects.exists()
    assert "XML failas sugadintas (1 eilutė)." in page_of(admin_client(accountant), statement)


def test_the_result_page_shows_200_rows_and_its_queries_do_not_grow(
    accountant: User,  # noqa: F811
    ledger: Ledger,
) -> None:
    client = admin_client(accountant)
    small = import_statement(data=big_statement(5), filename="small.xml").statement
    large = import_statement(data=big_statement(1200), filename="large.xml").statement
    page_of(client, small)  # the session and the admin's caches warm up

    with CaptureQueriesContext(connection) as small_queries:
        page_of(client, small)
    with CaptureQueriesContext(connection) as large_queries:
        html = page_of(client, large)

    assert len(large_queries) == len(small_queries) <= 12
    assert html.count('class="statement-row"') == 200
    assert "1 puslapis iš 6" in html
    last = page_of(client, large, "?page=6")
    assert last.count('class="statement-row"') == 200
    assert "<td>1200</td>" not in html
    assert "<td>1200</td>" in last


def test_the_result_page_lists_duplicates_and_filters_by_state(
    accountant: User,  # noqa: F811
    ledger: Ledger,
) -> None:
    client = admin_client(accountant)
    import_statement(data=sample("camt053.xml"), filename="a.xml")
    again = import_statement(data=sample("camt053.xml"), filename="a.xml").statement

    html = page_of(client, again, "?state=duplicate")

    assert html.count('class="statement-row"') == 5
    assert "jau importuota anksčiau" in html
    assert page_of(client, again, "?state=matched").count('class="statement-row"') == 0
    # A wrong filter or page shows the first page of everything, never an error.
    assert page_of(client, again, "?state=nonsense&page=abc").count('class="statement-row"') == 5


def test_an_unknown_import_is_404_and_a_clerk_may_not_see_imports(
    accountant: User,  # noqa: F811
    clerk: User,  # noqa: F811
    ledger: Ledger,
) -> None:
    statement = import_statement(data=sample("camt053.xml"), filename="a.xml").statement

    assert (
        admin_client(accountant).get("/admin/bank/statementimport/999999/change/").status_code
        == 404
    )
    response = admin_client(clerk).get(f"/admin/bank/statementimport/{statement.pk}/change/")
    assert response.status_code == 403


def test_the_list_of_imports_and_a_bank_payment_open(accountant: User, ledger: Ledger) -> None:  # noqa: F811
    client = admin_client(accountant)
    statement = import_statement(data=sample("camt053.xml"), filename="spalis.xml").statement
    payment = Payment.objects.get(contract__isnull=True)

    listing = client.get("/admin/bank/statementimport/")
    change = client.get(f"/admin/payments/payment/{payment.pk}/change/")

    assert listing.status_code == 200
    assert "spalis.xml" in listing.content.decode()
    assert statement.state == StatementImport.State.DONE
    assert change.status_code == 200
    assert "unmatched_reason" not in change.content.decode()
