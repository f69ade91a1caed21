from decimal import Decimal

import pytest
from django.contrib.admin.models import LogEntry
from django.test import override_settings

from mokesta.accounts.models import User
from mokesta.bank.booking import TRANSACTION_FIELDS, assign_payment, import_statement
from mokesta.bank.models import BankTransaction, StatementImport
from mokesta.bank.parsing import StatementError
from mokesta.bank.tests.conftest import Ledger, sample
from mokesta.payments.models import Payment

pytestmark = pytest.mark.django_db

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><Stmt>
<Ntry><Amt Ccy="EUR">1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><BookgDt><Dt>2026-11-02</Dt></BookgDt>
<NtryDtls><TxDtls><RmtInf><Ustrd>&lol9;</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>
</Stmt></BkToCstmrStmt></Document>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><Stmt>
<Ntry><Amt Ccy="EUR">1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><BookgDt><Dt>2026-11-02</Dt></BookgDt>
<NtryDtls><TxDtls><RmtInf><Ustrd>&x;</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>
</Stmt></BkToCstmrStmt></Document>"""

NO_ENTRIES = b"""<?xml version="1.0"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>
<Stmt><Id>1</Id></Stmt></BkToCstmrStmt></Document>"""


def payment_of(amount: str) -> Payment:
    return Payment.objects.get(amount=Decimal(amount))


class TestCamt053:
    def test_it_books_credits_matched_by_each_key(self, ledger: Ledger) -> None:
        result = import_statement(data=sample("camt053.xml"), filename="camt053.xml")

        s = result.statement
        assert (s.format, s.entries, s.matched, s.unmatched, s.ignored, s.duplicates) == (
            "camt053",
            5,
            3,
            1,
            1,
            0,
        )
        by_code = payment_of("25.40")
        assert by_code.contract == ledger.by_payment_code
        assert by_code.bank_reference == "2026110200001"
        assert by_code.payer_name == "ONA KAZLAUSKIENĖ"
        assert str(by_code.paid_on) == "2026-11-02"
        assert by_code.source == Payment.Source.BANK
        assert payment_of("18.07").contract == ledger.by_contract_number
        assert payment_of("40.00").contract == ledger.by_payer_code

    def test_it_queues_what_it_cannot_match(self, ledger: Ledger) -> None:
        import_statement(data=sample("camt053.xml"), filename="camt053.xml")

        unmatched = payment_of("12.50")
        assert unmatched.contract is None
        assert unmatched.details == "Už vandenį"
        assert unmatched.bank_transaction.state == BankTransaction.State.UNMATCHED

    def test_it_ignores_debits(self, ledger: Ledger) -> None:
        import_statement(data=sample("camt053.xml"), filename="camt053.xml")

        debit = BankTransaction.objects.get(credit=False)
        assert debit.state == BankTransaction.State.IGNORED
        assert debit.payment is None
        assert not Payment.objects.filter(amount=Decimal("1.20")).exists()

    def test_importing_the_same_statement_twice_adds_nothing(self, ledger: Ledger) -> None:
        import_statement(data=sample("camt053.xml"), filename="camt053.xml")
        again = import_statement(data=sample("camt053.xml"), filename="camt053-copy.xml")

        assert Payment.objects.count() == 4
        assert BankTransaction.objects.filter(checksum__isnull=False).count() == 5
        assert (again.statement.duplicates, again.statement.matched) == (5, 0)
        # The second import lists what it found already imported: nothing vanishes unseen.
        listed = again.statement.transactions.values_list("state", "reference", "payment")
        assert sorted(listed) == [("duplicate", f"202611020000{i}", None) for i in range(1, 6)]

    def test_a_batch_entry_books_each_transaction(self, ledger: Ledger) -> None:
        data = b"""<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08">
        <BkToCstmrStmt><Stmt><Acct><Id><IBAN>LT407300010012345678</IBAN></Id></Acct>
        <Ntry><Amt Ccy="EUR">30.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>
        <BookgDt><DtTm>2026-11-04T10:00:00</DtTm></BookgDt><NtryRef>B1</NtryRef><NtryDtls>
        <TxDtls><Refs><TxId>T1</TxId></Refs><Amt Ccy="EUR">10.00</Amt>
          <RltdPties><Dbtr><Pty><Nm>Petras</Nm></Pty></Dbtr></RltdPties>
          <RmtInf><Ustrd>VKU-2018-0007</Ustrd></RmtInf></TxDtls>
        <TxDtls><Refs><TxId>T2</TxId></Refs><Amt Ccy="EUR">20.00</Amt>
          <RmtInf><Ustrd>vku-2020-0090</Ustrd></RmtInf></TxDtls>
        </NtryDtls></Ntry></Stmt></BkToCstmrStmt></Document>"""

        import_statement(data=data, filename="batch.xml")

        assert payment_of("10.00").contract == ledger.by_contract_number
        assert payment_of("10.00").payer_name == "Petras"
        assert payment_of("20.00").contract == ledger.by_payer_code
        # The bank's reference of the entry, with each transaction's place in it (TxId is the
        # payer's bank's and may repeat).
        assert set(Payment.objects.values_list("bank_reference", flat=True)) == {"B1/1", "B1/2"}

    def test_two_identical_entries_without_a_bank_reference_are_two_payments(
        self, ledger: Ledger
    ) -> None:
        entry = """<Ntry><Amt Ccy="EUR">15.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>
        <BookgDt><Dt>2026-11-02</Dt></BookgDt><NtryDtls><TxDtls>
          <RltdPties><Dbtr><Nm>Petras Jankauskas</Nm></Dbtr></RltdPties>
          <RmtInf><Ustrd>VKU-2018-0007</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>"""
        data = f"""<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">
        <BkToCstmrStmt><Stmt><Acct><Id><IBAN>LT407300010012345678</IBAN></Id></Acct>
        {entry}{entry}</Stmt></BkToCstmrStmt></Document>""".encode()

        first = import_statement(data=data, filename="twice.xml")
        again = import_statement(data=data, filename="twice.xml")

        payments = Payment.objects.filter(amount=Decimal("15.00"))
        assert payments.count() == 2
        assert {p.contract for p in payments} == {ledger.by_contract_number}
        assert len({p.bank_reference for p in payments}) == 2
        assert (first.statement.matched, first.statement.duplicates) == (2, 0)
        assert (again.statement.matched, again.statement.duplicates) == (0, 2)


class TestSwedbankCsv:
    def test_it_books_a_semicolon_utf8_bom_statement(self, ledger: Ledger) -> None:
        result = import_statement(data=sample("swedbank.csv"), filename="swedbank.csv")

        s = result.statement
        assert (s.format, s.entries, s.matched, s.unmatched, s.ignored) == (
            "swedbank_csv",
            5,
            3,
            1,
            1,
        )
        assert payment_of("25.40").contract == ledger.by_payment_code
        assert payment_of("25.40").payer_name == "ONA KAZLAUSKIENĖ"
        assert payment_of("25.40").details == "Sąskaita spalis PC-2026100001"
        assert payment_of("18.07").contract == ledger.by_contract_number
        assert payment_of("40.00").contract == ledger.by_payer_code
        assert payment_of("12.50").contract is None

    def test_it_reads_the_comma_separated_baltic_encoding_export(self, ledger: Ledger) -> None:
        import_statement(
            data=sample("swedbank_comma_iso8859-13.csv"), filename="swedbank_comma.csv"
        )

        assert payment_of("30.00").contract == ledger.by_contract_number
        assert payment_of("30.00").details == "Už vandenį, VKU-2018-0007"
        assert payment_of("7.77").contract is None
        assert payment_of("7.77").details == "Ačiū"

    def test_importing_the_same_csv_twice_adds_nothing(self, ledger: Ledger) -> None:
        import_statement(data=sample("swedbank.csv"), filename="a.csv")
        again = import_statement(data=sample("swedbank.csv"), filename="a.csv")

        assert Payment.objects.count() == 4
        assert again.statement.duplicates == 5

    def test_two_identical_rows_are_two_payments(self, ledger: Ledger) -> None:
        # The same customer pays the same amount twice on one day with the same text.
        lines = sample("swedbank.csv").splitlines(keepends=True)
        repeated = next(line for line in lines if b'"12,50"' in line)
        data = b"".join(lines[:6] + [repeated] + lines[6:])

        first = import_statement(data=data, filename="twice.csv")
        again = import_statement(data=data, filename="twice.csv")

        assert Payment.objects.filter(amount=Decimal("12.50")).count() == 2
        assert Payment.objects.count() == 5
        assert (first.statement.entries, first.statement.duplicates) == (6, 0)
        assert (again.statement.entries, again.statement.duplicates) == (6, 6)

    def test_a_row_keeps_the_reference_imports_stored_before_repeats_were_counted(
        self, ledger: Ledger
    ) -> None:
        # Statements imported before then must still be recognised as already imported.
        import_statement(data=sample("swedbank.csv"), filename="a.csv")

        unmatched = Payment.objects.get(amount=Decimal("12.50"))
        assert unmatched.bank_reference == "swed:78dba5e62216957f72570e50d2ff5f557b92edd8"


class TestRefusedFiles:
    """Every refused file leaves the database as it was, with a message saying why."""

    @pytest.mark.parametrize(
        ("data", "filename", "message"),
        [
            (b"", "empty.xml", "Failas tuščias."),
            (b"  \r\n", "blank.csv", "Failas tuščias."),
            (b"<Document><Ntry>", "broken.xml", "XML failas sugadintas (1 eilutė)."),
            (b"not xml at all", "statement.xml", "XML failas sugadintas"),
            (
                b"<?xml version='1.0'?><html><body>hi</body></html>",
                "page.xml",
                "XML failas nėra ISO 20022 camt.053 banko išrašas.",
            ),
            (BILLION_LAUGHS, "bomb.xml", "dokumento tipo deklaracija (DOCTYPE)"),
            (EXTERNAL_ENTITY, "xxe.xml", "dokumento tipo deklaracija (DOCTYPE)"),
            (NO_ENTRIES, "none.xml", "Išraše nėra įrašų."),
            (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "statement.pdf", "Tai ne banko išrašas"),
            (b"date,amount\n2026-11-02,10.00\n", "other.csv", "Tai ne banko išrašas"),
            (
                sample("swedbank.csv") + b'"LT40";"20";"2026-11-02";"x"\n',
                "short-row.csv",
                "10 eilutė neatitinka Swedbank CSV išrašo formato.",
            ),
            (
                sample("swedbank.csv").replace(b'"25,40"', b'"abc"'),
                "bad-amount.csv",
                "3 eilutė: neteisinga arba nenurodyta suma",
            ),
            (
                sample("camt053.xml").replace(
                    b"2026-11-02</Dt></BookgDt>", b"02/11</Dt></BookgDt>", 1
                ),
                "bad-date.xml",
                "1 įrašas: neteisinga arba nenurodyta įrašymo data",
            ),
            (
                sample("camt053.xml").replace(b'Ccy="EUR">18.07', b'Ccy="USD">18.07'),
                "dollars.xml",
                "2 įrašas: priimami tik eurai (EUR), ne USD",
            ),
        ],
    )
    def test_it_refuses_the_file_and_imports_nothing(
        self, ledger: Ledger, data: bytes, filename: str, message: str
    ) -> None:
        with pytest.raises(StatementError) as refused:
            import_statement(data=data, filename=filename)

        assert message in str(refused.value)
        assert not Payment.objects.exists()
        assert not BankTransaction.objects.exists()
        assert not StatementImport.objects.exists()

    @override_settings(STATEMENT_MAX_BYTES=1000)
    def test_it_refuses_an_oversized_file(self, ledger: Ledger) -> None:
        with pytest.raises(StatementError) as refused:
            import_statement(data=sample("camt053.xml"), filename="big.xml")

        assert "Failas per didelis" in str(refused.value)
        assert "1000" in str(refused.value) or "KB" in str(refused.value)
        assert not Payment.objects.exists()
        assert not StatementImport.objects.exists()


class TestAssignment:
    def test_staff_assign_an_unmatched_payment_and_it_is_audited(
        self, ledger: Ledger, staff: User
    ) -> None:
        import_statement(data=sample("camt053.xml"), filename="camt053.xml")
        payment = payment_of("12.50")

        assign_payment(payment=payment, contract=ledger.by_contract_number, user=staff)

        payment.refresh_from_db()
        assert payment.contract == ledger.by_contract_number
        assert payment.bank_transaction.state == BankTransaction.State.ASSIGNED
        entry = LogEntry.objects.get(object_id=str(payment.pk))
        assert entry.user == staff
        assert "VKU-2018-0007" in entry.change_message

    def test_it_refuses_to_reassign_a_matched_payment(self, ledger: Ledger, staff: User) -> None:
        import_statement(data=sample("camt053.xml"), filename="camt053.xml")

        with pytest.raises(ValueError):
            assign_payment(
                payment=payment_of("25.40"), contract=ledger.by_contract_number, user=staff
            )
        assert payment_of("25.40").contract == ledger.by_payment_code

    def test_an_import_by_staff_is_audited(self, ledger: Ledger, staff: User) -> None:
        result = import_statement(data=sample("camt053.xml"), filename="camt053.xml", user=staff)

        entry = LogEntry.objects.get(object_id=str(result.statement.pk))
        assert entry.user == staff
        assert "3" in entry.change_message


class TestAmbiguousTexts:
    """A payment that could belong to more than one contract waits for staff, never guesses."""

    def camt(self, text: str) -> bytes:
        return sample("camt053.xml").replace(
            b"<Ustrd>U\xc5\xbe vanden\xc4\xaf</Ustrd>", f"<Ustrd>{text}</Ustrd>".encode()
        )

    def test_a_payer_code_with_two_valid_contracts_is_not_matched(self, ledger: Ledger) -> None:
        import_statement(data=self.camt("Mokėtojas 39002150011"), filename="a.xml")

        assert payment_of("12.50").contract is None

    def test_two_contract_numbers_are_not_matched(self, ledger: Ledger) -> None:
        import_statement(data=self.camt("VKU-2018-0007 ir VKU-2020-0090"), filename="a.xml")

        assert payment_of("12.50").contract is None

    def test_a_payer_code_of_an_ended_contract_still_matches(self, ledger: Ledger) -> None:
        ledger.by_payer_code.end_date = ledger.by_payer_code.start_date
        ledger.by_payer_code.save()

        import_statement(data=self.camt("kodas 49107080033"), filename="a.xml")

        assert payment_of("12.50").contract == ledger.by_payer_code


def test_the_plain_insert_of_transactions_writes_every_column() -> None:
    # insert_transactions() names its columns; a new BankTransaction field must be added there.
    # Except the payout link: empty when inserted, set afterwards by bank.payouts.
    columns = {f.name for f in BankTransaction._meta.concrete_fields if not f.primary_key}
    assert set(TRANSACTION_FIELDS) == columns - {"payout"}
