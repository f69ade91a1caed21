"""`manage.py peppol_export YYYY-MM --output DIR`: the month's checked e-invoices of public
bodies, one file per document named by its number."""

import datetime as dt
from io import StringIO
from pathlib import Path

import pytest
import time_machine
from django.core.management import CommandError, call_command

from mokesta.billing.credit_notes import issue_credit_note
from mokesta.billing.models import Invoice
from mokesta.billing.peppol import check
from mokesta.billing.tests.conftest import (
    at,
    bill,
    december,
    issued_without_references,
    make_contract,
)
from mokesta.customers.models import Contract


def export(month: str, output: Path) -> str:
    err = StringIO()
    call_command("peppol_export", month, "--output", str(output), stderr=err)
    return err.getvalue()


def test_it_writes_one_checked_file_per_document_of_the_month(
    school: Contract, tmp_path: Path
) -> None:
    invoice = december(school)
    with time_machine.travel(at("2027-01-12"), tick=False):
        note = issue_credit_note(invoice=invoice, reason="Neteisingas rodmuo")
    household = make_contract("H-1")  # not a public body: no e-invoice
    bill("2026-12", on="2027-01-14")  # also bills the school's credited month again
    assert Invoice.objects.filter(contract=household).exists()
    again = Invoice.objects.get(contract=school, credited=False, kind="invoice", period=note.period)

    message = export("2027-01", tmp_path / "sabis")

    files = sorted(path.name for path in (tmp_path / "sabis").iterdir())
    assert files == [f"{invoice.number}.xml", f"{note.number}.xml", f"{again.number}.xml"]
    for name in files:
        assert not [p for p in check((tmp_path / "sabis" / name).read_bytes()) if p.fatal]
    assert "įrašyta e. sąskaitų: 3." in message


def test_a_wrong_month_is_an_error(db: None, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="Neteisingas mėnuo '2027-13'"):
        export("2027-13", tmp_path)


def test_an_output_that_is_a_file_is_an_error(db: None, tmp_path: Path) -> None:
    (tmp_path / "taken").write_text("")
    with pytest.raises(CommandError, match="Nepavyksta rašyti"):
        export("2027-01", tmp_path / "taken")


def test_a_refused_document_is_not_written_and_the_command_fails(
    school: Contract, tmp_path: Path
) -> None:
    refused = issued_without_references()
    err = StringIO()
    with pytest.raises(CommandError, match="Taisyklės nepriėmė dokumentų: 1;"):
        call_command("peppol_export", "2027-01", "--output", str(tmp_path), stderr=err)
    # The school's valid document is written, the refused one is not.
    assert [path.name for path in tmp_path.iterdir()] == [f"{december(school).number}.xml"]
    assert f"{refused.number}: [PEPPOL-EN16931-R003]" in err.getvalue()


def test_a_month_without_public_body_documents_writes_nothing(
    school: Contract, tmp_path: Path
) -> None:
    assert "įrašyta e. sąskaitų: 0." in export("2027-02", tmp_path)
    assert list(tmp_path.iterdir()) == []
    assert dt.date(2027, 1, 4) == december(school).issue_date
