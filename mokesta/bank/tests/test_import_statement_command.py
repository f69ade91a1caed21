from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from mokesta.bank.models import StatementImport
from mokesta.bank.tests.conftest import SAMPLES, Ledger
from mokesta.payments.models import Payment

pytestmark = pytest.mark.django_db


def test_it_imports_a_file_and_prints_the_counts(
    ledger: Ledger, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("import_statement", str(SAMPLES / "swedbank.csv"))

    out = capsys.readouterr().out
    assert "Įrašų: 5; priskirta automatiškai: 3, nepriskirta: 1" in out
    assert StatementImport.objects.get().uploaded_by is None
    assert Payment.objects.count() == 4


def test_it_fails_with_the_reason_for_a_refused_file(ledger: Ledger, tmp_path: Path) -> None:
    path = tmp_path / "bad.xml"
    path.write_bytes(b"<Document>")

    with pytest.raises(CommandError, match="XML failas sugadintas"):
        call_command("import_statement", str(path))
    assert not StatementImport.objects.exists()


def test_it_fails_for_a_missing_file(ledger: Ledger, tmp_path: Path) -> None:
    with pytest.raises(CommandError):
        call_command("import_statement", str(tmp_path / "nope.xml"))
