import threading

import pytest
from django.db import connection

from mokesta.bank.booking import import_statement
from mokesta.bank.models import BankTransaction, StatementImport
from mokesta.bank.tests.conftest import Ledger, sample
from mokesta.payments.models import Payment


@pytest.mark.django_db(transaction=True)
def test_two_imports_of_the_same_file_at_once_book_each_entry_once(ledger: Ledger) -> None:
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            start.wait()
            import_statement(data=sample("camt053.xml"), filename="camt053.xml")
        except BaseException as exc:  # reported below, not lost in the thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert Payment.objects.count() == 4
    assert BankTransaction.objects.exclude(state=BankTransaction.State.DUPLICATE).count() == 5
    assert BankTransaction.objects.filter(state=BankTransaction.State.DUPLICATE).count() == 5
    counts = sorted(StatementImport.objects.values_list("duplicates", flat=True))
    assert counts == [0, 5]
