"""Never a 500 on a statement (issue 9.3): every malformed file gets a Lithuanian message that
names the entry or line, and nothing is imported."""

import random

import pytest

from mokesta.accounts.models import User
from mokesta.bank.booking import import_statement
from mokesta.bank.models import BankTransaction, StatementImport
from mokesta.bank.parsing import StatementError
from mokesta.bank.tests.camt import document, entry, tx
from mokesta.bank.tests.conftest import Ledger, sample
from mokesta.bank.tests.test_statement_upload import upload
from mokesta.payments.models import Payment
from mokesta.testing.staff import admin_client  # noqa: F401

pytestmark = pytest.mark.django_db

CSV = sample("swedbank.csv")
CSV_AMOUNT = b'"25,40"'  # line 3
CSV_DATE = b'"2026-11-02";"ONA'  # line 3


def camt_amount(amount: str) -> bytes:
    return document(entry("1.00", tx("VKU-2018-0007"), ref="E1"), entry(amount, tx("x"), ref="E2"))


CASES = [
    # amounts out of range or not a plain decimal
    (camt_amount("1E+30"), "a.xml", "2 įrašas: neteisinga arba nenurodyta suma"),
    (camt_amount("1e5"), "a.xml", "2 įrašas: neteisinga arba nenurodyta suma"),
    (camt_amount("1" * 30), "a.xml", "2 įrašas: suma 11111111111111111111… per didelė"),
    (camt_amount("1000000000000.00"), "a.xml", "2 įrašas: suma 1000000000000.00 per didelė"),
    (camt_amount("100000000000"), "a.xml", "2 įrašas: suma 100000000000 per didelė"),
    (camt_amount("-5.00"), "a.xml", "2 įrašas: neteisinga arba nenurodyta suma"),
    (camt_amount("0.00"), "a.xml", "2 įrašas: neteisinga arba nenurodyta suma"),
    (camt_amount("1.005"), "a.xml", "2 įrašas: neteisinga arba nenurodyta suma"),
    (camt_amount("NaN"), "a.xml", "2 įrašas: neteisinga arba nenurodyta suma"),
    (camt_amount("1 000.00"), "a.xml", "2 įrašas: neteisinga arba nenurodyta suma"),
    (CSV.replace(CSV_AMOUNT, b'"1E+30"'), "s.csv", "3 eilutė: neteisinga arba nenurodyta suma"),
    (CSV.replace(CSV_AMOUNT, b'"1000000000000,00"'), "s.csv", "3 eilutė: suma"),
    (CSV.replace(CSV_AMOUNT, b'"12.345,67"'), "s.csv", "3 eilutė: neteisinga arba nenurodyta"),
    # dates out of range
    (CSV.replace(CSV_DATE, b'"31.12.9999";"ONA'), "s.csv", "3 eilutė: įrašymo data 31.12.9999"),
    (CSV.replace(CSV_DATE, b'"1999-12-31";"ONA'), "s.csv", "3 eilutė: įrašymo data 1999-12-31"),
    (CSV.replace(CSV_DATE, b'"2026-02-30";"ONA'), "s.csv", "3 eilutė: neteisinga arba nenurodyta"),
    (
        document(entry("5.00", tx("x"), ref="E1", booked="0001-01-01")),
        "a.xml",
        "1 įrašas: įrašymo data 0001-01-01 už leistinų ribų",
    ),
    (
        document(entry("5.00", tx("x"), ref="E1", booked="9999-12-31")),
        "a.xml",
        "1 įrašas: įrašymo data 9999-12-31",
    ),
    # oversized fields
    (
        CSV.replace(b"Pagal s\xc4\x85skait\xc4\x85", b"x" * 131_073),
        "s.csv",
        "6 eilutės nepavyko perskaityti",
    ),
    (CSV.replace(b'"Pagal', b'"Pa"gal'), "s.csv", "eilutės nepavyko perskaityti"),
    # broken encoding, random bytes, wrong format, empty
    (
        sample("camt053.xml").replace(b"ONA", b"\xff\xfe"),
        "a.xml",
        "XML failas sugadintas (19 eilutė)",
    ),
    (random.Random(1).randbytes(3000), "s.csv", "Tai ne banko išrašas"),
    (random.Random(2).randbytes(3000).replace(b"\x00", b""), "s.csv", "Tai ne banko išrašas"),
    (b"<" + random.Random(3).randbytes(3000), "a.xml", "XML failas sugadintas"),
    (b'{"entries": []}', "a.json", "Tai ne banko išrašas"),
    (b"\xef\xbb\xbf", "a.csv", "Failas tuščias."),
    (
        b'<?xml version="1.0" encoding="UTF-16"?><Document/>',
        "a.xml",
        "XML failas sugadintas",
    ),
]


@pytest.mark.parametrize(("data", "filename", "message"), CASES)
def test_a_malformed_file_is_refused_with_a_message_and_nothing_imported(
    ledger: Ledger, data: bytes, filename: str, message: str
) -> None:
    with pytest.raises(StatementError) as refused:
        import_statement(data=data, filename=filename)

    assert message in str(refused.value)
    assert not Payment.objects.exists()
    assert not BankTransaction.objects.exists()
    assert not StatementImport.objects.exists()


def test_the_largest_amount_is_accepted(ledger: Ledger) -> None:
    # The single-amount bound (lib.money.MAX_SINGLE_AMOUNT): see test_amount_bounds.py.
    import_statement(data=camt_amount("999999999.99"), filename="a.xml")

    assert Payment.objects.filter(amount="999999999.99").exists()


@pytest.mark.parametrize(
    "data",
    [
        camt_amount("1E+30"),
        camt_amount("1000000000000.00"),
        CSV.replace(CSV_DATE, b'"31.12.9999";"ONA'),
        CSV.replace(b"Pagal s\xc4\x85skait\xc4\x85", b"x" * 131_073),
        random.Random(1).randbytes(3000),
    ],
)
def test_the_upload_page_shows_the_message_instead_of_an_error(
    staff: User, ledger: Ledger, data: bytes
) -> None:
    response = upload(admin_client(staff), "statement.csv", data)

    assert response.status_code == 200
    assert '<ul class="errorlist" id="id_file_error"><li>' in response.content.decode()
    assert not StatementImport.objects.exists()
