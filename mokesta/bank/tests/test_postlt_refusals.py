"""A post office file that is not what the post sends is refused whole, with the line named, in
Lithuanian, and nothing of it is imported."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from mokesta.bank.booking import import_statement, queue_statement
from mokesta.bank.models import BankTransaction, HeldReading, PostTransfer, StatementImport
from mokesta.bank.parsing import StatementError, parse_statement
from mokesta.bank.tests.conftest import sample
from mokesta.payments.models import Payment

pytestmark = pytest.mark.django_db
GOOD = "postlt_261201.txt"


def lines() -> list[bytes]:
    return sample(GOOD).split(b"\r\n")


def with_line(number: int, line: bytes) -> bytes:
    changed = lines()
    changed[number - 1] = line
    return b"\r\n".join(changed)


def refused(data: bytes) -> str:
    with pytest.raises(StatementError) as error:
        import_statement(data=data, filename="postlt.txt")
    with pytest.raises(StatementError):
        queue_statement(data=data, filename="postlt.txt")  # the upload page's check
    assert not StatementImport.objects.exists()
    assert not Payment.objects.exists() and not BankTransaction.objects.exists()
    assert not HeldReading.objects.exists() and not PostTransfer.objects.exists()
    return str(error.value)


def test_the_sample_file_is_read_whole() -> None:
    parsed = parse_statement(data=sample(GOOD), filename=GOOD)

    assert parsed.format == StatementImport.Format.POSTLT
    assert len(parsed.rows) == len(parsed.post_lines) == 6
    assert parsed.rows[1].payer_name == "Petras Jankauskas"
    assert parsed.post_lines[0].readings == ((1, "160", "155"), (2, "86", "83"))
    assert parsed.post_lines[3].readings == ()  # the empty reading fields


def test_a_file_with_bare_line_feeds_is_read_too() -> None:
    data = sample(GOOD).replace(b"\r\n", b"\n")

    assert len(parse_statement(data=data, filename=GOOD).rows) == 6


def test_a_utf8_file_is_refused() -> None:
    data = sample(GOOD).decode("cp1257").encode("utf-8")

    message = refused(data)

    assert message.startswith("1 eilutė: rinkmena yra UTF-8 koduotės")
    assert "Windows-1257" in message


def test_a_utf8_file_with_a_byte_order_mark_is_refused_as_utf8() -> None:
    data = b"\xef\xbb\xbf" + sample(GOOD).decode("cp1257").encode("utf-8")

    assert refused(data).startswith("1 eilutė: rinkmena yra UTF-8 koduotės")


def test_a_byte_windows_1257_lacks_is_refused_with_its_line() -> None:
    data = with_line(3, lines()[2].replace(b"Jonas", b"Jon\x81s"))

    assert refused(data).startswith("3 eilutė: ženklas, kurio nėra Windows-1257 koduotėje")


def test_a_line_of_23_fields_is_refused() -> None:
    line = lines()[1]
    data = with_line(2, line[: line.rindex(b"\t")])

    assert refused(data) == (
        "2 eilutėje yra 23 TAB ženklu atskirti laukai; pašto duomenų rinkmenos eilutėje jų yra 24."
    )


def test_an_amount_with_a_comma_is_refused() -> None:
    data = with_line(4, lines()[3].replace(b"\t20.00\t", b"\t20,00\t"))

    assert refused(data) == (
        "4 eilutė: suma 20,00 parašyta su kableliu; rinkmenoje rašomas taškas (12.50)"
    )


def test_an_impossible_date_is_refused() -> None:
    data = with_line(2, lines()[1].replace(b"\t2026.11.30\t", b"\t2025.13.01\t"))

    assert refused(data) == ("2 eilutė: mokėjimo data 2025.13.01 nėra data, užrašyta yyyy.mm.dd")


def test_an_impossible_transfer_date_is_refused() -> None:
    data = with_line(1, lines()[0].replace(b"\t2026.12.01\t", b"\t2026.02.30\t"))

    assert "1 eilutė: pavedimo data 2026.02.30" in refused(data)


def test_an_amount_over_the_posts_limit_is_refused() -> None:
    data = with_line(1, lines()[0].replace(b"\t45.60\t", b"\t300.01\t"))

    assert refused(data) == ("1 eilutė: suma 300.01 € viršija pašto ribą – 300.00 € vienai įmokai")


def test_another_account_is_refused() -> None:
    data = with_line(5, lines()[4].replace(b"LT407300010012345678", b"LT121000011101001000"))

    message = refused(data)

    assert message.startswith("5 eilutė yra iš sąskaitos LT121000011101001000")


def test_a_line_without_the_payer_code_is_refused() -> None:
    data = with_line(2, lines()[1].replace(b"\t38505230047\t", b"\t\t"))

    assert refused(data) == "2 eilutė: tuščias laukas „mokėtojo kodas“"


def test_the_command_names_the_line(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "postlt_261201.txt"
    path.write_bytes(with_line(4, lines()[3].replace(b"\t20.00\t", b"\t20,00\t")))

    with pytest.raises(CommandError, match="4 eilutė: suma 20,00 parašyta su kableliu"):
        call_command("import_statement", str(path))
    assert not StatementImport.objects.exists()
