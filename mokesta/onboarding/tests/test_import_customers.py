"""The customer file: every rule of README "Data import", through import_file and the command."""

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.utils import translation

from mokesta.billing.models import BillingPeriod, Invoice
from mokesta.customers.models import Contract, ContractAccess, Customer, ServicePoint
from mokesta.metering.models import Meter, Reading
from mokesta.onboarding.importing import Result, import_file
from mokesta.onboarding.tests.helpers import CUSTOMER_HEADER, csv_file, row, xlsx_file
from mokesta.outbox.models import OutgoingMessage
from mokesta.payments.models import Payment
from mokesta.testing.billing import at

SAMPLES = Path(__file__).resolve().parents[1] / "samples"


@pytest.fixture(autouse=True)
def _clock(db: None) -> Iterator[None]:
    with time_machine.travel(at("2026-12-02"), tick=False), translation.override("lt"):
        yield


def run(data: bytes, *, dry_run: bool = False, invite: bool = False) -> Result:
    return import_file(data=data, dry_run=dry_run, invite=invite)


def snapshot() -> tuple[int, ...]:
    return (
        Customer.objects.count(),
        Contract.objects.count(),
        ServicePoint.objects.count(),
        Meter.objects.count(),
        Reading.objects.count(),
        Invoice.objects.count(),
        Payment.objects.count(),
        OutgoingMessage.objects.count(),
    )


NO_METER = dict.fromkeys(
    [
        "meter_serial",
        "meter_kind",
        "meter_digits",
        "meter_installed_on",
        "meter_verified_on",
        "reading",
        "reading_date",
    ],
    "",
)


class TestAFileWithEveryMistake:
    ROWS = [
        row(contract_number="A-1", payer_code="1", meter_serial="S1"),  # 2: valid
        row(contract_number="A-2", payer_code="2", meter_serial="S2", email="jonas@gmaıl.test"),
        row(contract_number="A-3", payer_code="3", meter_serial="S3", company_code="12345"),
        row(contract_number="A-4", payer_code="4", meter_serial="S4", vat_code="LT12"),
        row(contract_number="A-5", payer_code="5", meter_serial="S5", contract_start="2024-02-30"),
        row(contract_number="A-6", payer_code="6", meter_serial="S6", reading_date="9999-01-01"),
        row(contract_number="A-7", payer_code="7", meter_serial="S7", reading="100000"),
        row(contract_number="A-8", payer_code="8", meter_serial="S8", meter_digits="12"),
        row(contract_number="A-9", payer_code="9", meter_serial="S1"),  # 10: S1 is on row 2
        row(contract_number="A-10", payer_code="10", meter_serial="S10", customer_type="firm"),
        row(contract_number="A-11", payer_code="11", meter_serial="S11", customer_type="company"),
        row(contract_number="A-12", payer_code="12", meter_serial="S12", phone="12"),
        row(contract_number="A-13", payer_code="13", meter_serial="S13", opening_balance="1,005"),
        row(contract_number="A-14", payer_code="14", meter_serial="S14", category="garage"),
        row(contract_number="A-1", payer_code="1", meter_serial="S15", address="Kita g. 1"),
        row(contract_number="A-16", payer_code="1", customer_name="Kitas", meter_serial="S16"),
        row(contract_number="", payer_code="17", meter_serial="S17"),
        row(contract_number="A-18", payer_code="18", **{**NO_METER, "reading": "5"}),
        row(contract_number="A-19", payer_code="19", meter_serial="S19", reading_date="2020-01-01"),
        row(contract_number="A-20", payer_code="20", meter_serial="S20", residents="-1"),
    ]
    EXPECTED = [
        (3, "email"),
        (4, "company_code"),
        (5, "vat_code"),
        (6, "contract_start"),
        (7, "reading_date"),
        (8, "reading"),
        (9, "meter_digits"),
        (10, "meter_serial"),
        (11, "customer_type"),
        (12, "company_code"),
        (13, "phone"),
        (14, "opening_balance"),
        (15, "category"),
        (16, "contract_number"),
        (17, "payer_code"),
        (18, "contract_number"),
        (19, "reading"),
        (20, "reading_date"),
        (21, "residents"),
    ]

    def test_its_dry_run_lists_each_by_row_and_column_and_writes_nothing(self) -> None:
        before = snapshot()
        result = run(csv_file(self.ROWS), dry_run=True)

        assert [(p.row, p.column) for p in result.problems] == self.EXPECTED
        assert result.rows == 20 and not result.written
        assert snapshot() == before

    def test_the_messages_are_lithuanian(self) -> None:
        messages = {(p.row, p.column): p.message for p in run(csv_file(self.ROWS)).problems}

        assert messages[(4, "company_code")] == "Įmonės kodas – 9 skaitmenys, pvz., 302222222."
        assert messages[(10, "meter_serial")] == (
            "Skaitiklis S1 jau yra 2 eilutėje (sutartis A-1)."
        )
        assert messages[(7, "reading_date")].startswith("Data turi būti nuo 1950-01-01 iki")
        assert messages[(21, "residents")] == "Reikia sveikojo skaičiaus."

    def test_a_real_run_writes_nothing_either(self) -> None:
        before = snapshot()
        assert not run(csv_file(self.ROWS)).written
        assert snapshot() == before

    def test_the_command_prints_each_problem_and_exits_non_zero(self, tmp_path: Path) -> None:
        path = tmp_path / "klientai.csv"
        path.write_bytes(csv_file(self.ROWS))
        err = StringIO()

        with pytest.raises(CommandError, match="rasta 19 klaidų"):
            call_command("import_customers", str(path), "--dry-run", stderr=err)

        lines = err.getvalue().splitlines()
        assert len(lines) == 19
        assert lines[0].startswith("eilutė 3, stulpelis email: ")
        assert snapshot() == (0, 0, 0, 0, 0, 0, 0, 0)


class TestFormats:
    def test_excel_semicolon_csv_with_bom_and_lithuanian_headers(self) -> None:
        aliases = {
            "contract_number": "Sutarties numeris",
            "payer_code": "Mokėtojo kodas",
            "opening_balance": "Pradinis likutis",
        }
        header = [aliases.get(name, name) for name in CUSTOMER_HEADER]
        data = csv_file(
            [dict(zip(header, row(opening_balance="12,50").values(), strict=True))],
            header=header,
        )
        assert data.startswith(b"\xef\xbb\xbf")

        result = run(data)

        assert result.ok and result.written
        assert Contract.objects.get().number == "SUT-1"
        assert Invoice.objects.get().total == Decimal("12.50")

    def test_comma_separated_without_bom(self) -> None:
        result = run(csv_file([row()], sep=",", bom=False))
        assert result.ok and Meter.objects.get().serial_number == "M-1"

    def test_the_header_names_the_missing_and_unknown_columns(self) -> None:
        header = [*CUSTOMER_HEADER[:-1], "skola"]
        result = run(csv_file([row()], header=header), dry_run=True)
        assert [str(p) for p in result.problems] == [
            "eilutė 1: Antraštė neatitinka formato: trūksta stulpelių: opening_balance; "
            "nežinomi stulpeliai: skola."
        ]

    def test_a_file_that_is_not_utf8_is_refused_with_the_reason(self) -> None:
        data = csv_file([row(customer_name="Ona Petraitienė")], bom=False).decode().encode("cp1257")
        (problem,) = run(data, dry_run=True).problems
        assert "UTF-8" in problem.message

    def test_xlsx_with_excel_dates_and_codes_turned_into_numbers(self) -> None:
        values = list(row().values())
        header = CUSTOMER_HEADER
        at_ = {name: i for i, name in enumerate(header)}
        values[at_["payer_code"]] = 38001011234  # a personal code: Excel keeps all digits
        values[at_["contract_start"]] = dt.datetime(2019, 4, 1)
        values[at_["meter_installed_on"]] = dt.datetime(2021, 3, 15)
        values[at_["meter_verified_on"]] = dt.datetime(2021, 3, 15)
        values[at_["reading_date"]] = dt.datetime(2026, 11, 30)
        values[at_["reading"]] = 500
        values[at_["meter_digits"]] = 5
        values[at_["residents"]] = 2
        values[at_["phone"]] = 37061234567  # the „+" lost: restored, the format is certain
        values[at_["opening_balance"]] = 23.45
        values[at_["meter_serial"]] = 123456
        company = list(values)
        company[at_["contract_number"]] = "SUT-2"
        company[at_["payer_code"]] = "2002"
        company[at_["customer_type"]] = "company"
        company[at_["company_code"]] = 30222222  # 030222222 with its zero lost: refused
        company[at_["meter_serial"]] = "M-2"

        dry = run(xlsx_file([values, company], header), dry_run=True)
        assert [(p.row, p.column) for p in dry.problems] == [(3, "company_code")]
        assert "numetė pradžios nulius" in dry.problems[0].message

        result = run(xlsx_file([values], header))
        assert result.ok
        customer = Customer.objects.get()
        assert customer.payer_code == "38001011234"
        assert str(customer.phone) == "+37061234567"
        meter = Meter.objects.get()
        assert (meter.serial_number, meter.installed_on) == ("123456", dt.date(2021, 3, 15))
        assert Contract.objects.get().start_date == dt.date(2019, 4, 1)
        assert Reading.objects.get().period == dt.date(2026, 11, 1)
        assert Invoice.objects.get().total == Decimal("23.45")

    @pytest.mark.parametrize("name", ["customers.csv", "customers.xlsx"])
    def test_the_downloadable_templates_import_cleanly(self, name: str) -> None:
        result = run((SAMPLES / name).read_bytes())
        assert result.ok and result.written
        assert (Contract.objects.count(), Meter.objects.count()) == (4, 4)


class TestTheContractNumberIsTheKey:
    def test_the_same_file_twice_changes_nothing(self) -> None:
        data = csv_file(
            [
                row(opening_balance="40,00"),
                row(meter_serial="M-2", opening_balance="40,00"),
                row(
                    contract_number="SUT-2",
                    payer_code="2002",
                    meter_serial="M-3",
                    opening_balance="-5,00",
                ),
            ]
        )
        first = run(data, invite=True)
        assert first.counts["contracts_created"] == 2 and first.counts["opening_balances"] == 2
        before = snapshot()
        changed_at = list(Reading.objects.values_list("updated_at", flat=True))

        second = run(data, invite=True)

        assert second.ok and snapshot() == before
        assert {k: v for k, v in second.counts.items() if v} == {"opening_balances_kept": 2}
        assert list(Reading.objects.values_list("updated_at", flat=True)) == changed_at

    def test_a_later_file_updates_what_changed_without_duplicates(self) -> None:
        run(csv_file([row()]))
        result = run(csv_file([row(phone="+37069999999", residents="3", meter_digits="6")]))

        assert result.counts["customers_updated"] == 1
        assert result.counts["contracts_updated"] == 1
        assert result.counts["meters_updated"] == 1
        assert str(Customer.objects.get().phone) == "+37069999999"
        assert Contract.objects.get().residents == 3
        assert snapshot()[:5] == (1, 1, 1, 1, 1)

    def test_a_second_file_replaces_a_meter_on_a_date(self) -> None:
        run(csv_file([row()]))
        result = run(
            csv_file(
                [
                    row(
                        meter_serial="M-NEW",
                        meter_installed_on="2026-11-20",
                        reading="3",
                        meter_verified_on="2026-11-20",
                        reading_date="2026-11-20",
                    )
                ]
            )
        )

        assert result.counts["meters_replaced"] == 1
        old, new = Meter.objects.order_by("pk")
        assert old.removed_on == dt.date(2026, 11, 19)
        assert (new.installed_on, new.initial_reading, new.removed_on) == (
            dt.date(2026, 11, 20),
            3,
            None,
        )
        assert new.service_point_id == old.service_point_id

    def test_a_contract_of_another_payer_in_the_system_is_refused(self) -> None:
        run(csv_file([row()]))
        result = run(csv_file([row(payer_code="9999")]), dry_run=True)
        assert [(p.row, p.column) for p in result.problems] == [(2, "payer_code")]

    def test_a_meter_of_another_contract_in_the_system_is_refused(self) -> None:
        run(csv_file([row()]))
        result = run(csv_file([row(contract_number="SUT-9", payer_code="9")]), dry_run=True)
        assert [(p.row, p.column) for p in result.problems] == [(2, "meter_serial")]

    def test_a_reading_lower_than_the_meter_had_is_refused(self) -> None:
        run(csv_file([row(reading="500", reading_date="2026-10-31")]))
        result = run(csv_file([row(reading="480", reading_date="2026-11-30")]), dry_run=True)
        assert [(p.row, p.column) for p in result.problems] == [(2, "reading")]

    def test_a_reading_of_a_closed_month_is_refused(self) -> None:
        BillingPeriod.objects.create(month="2026-11-01", state=BillingPeriod.State.CLOSED)
        result = run(csv_file([row()]), dry_run=True)
        assert [(p.row, p.column) for p in result.problems] == [(2, "reading_date")]

    def test_a_customer_e_mail_gets_its_identity_key(self) -> None:
        run(csv_file([row(email="Ona.Petraitiene@Example.LT")]))
        customer = Customer.objects.get()
        assert customer.email == "ona.petraitiene@example.lt"  # check_email's form
        assert customer.email_key == "ona.petraitiene@example.lt"

    def test_a_public_body_is_a_sabis_customer_with_its_code(self) -> None:
        run(
            csv_file(
                [row(customer_type="public_body", company_code="188753348", category="company")]
            )
        )
        customer = Customer.objects.get()
        assert customer.sabis and customer.company_code == "188753348"


class TestInvitations:
    def test_each_contract_with_an_e_mail_is_invited_once(self) -> None:
        data = csv_file(
            [
                row(),
                row(meter_serial="M-2"),
                row(contract_number="SUT-2", payer_code="2", email="", meter_serial="M-3"),
            ]
        )
        assert run(data, invite=True).counts["invitations"] == 1
        assert run(data, invite=True).counts["invitations"] == 0

        message = OutgoingMessage.objects.get()
        assert (message.recipient, message.template, message.dedup_key) == (
            "ona@example.lt",
            "onboarding-invitation",
            "invitation:contract:SUT-1",
        )
        assert message.context["contract_number"] == "SUT-1"

    def test_without_the_flag_nobody_is_invited(self) -> None:
        run(csv_file([row()]))
        assert not OutgoingMessage.objects.exists()

    def test_a_contract_already_linked_is_not_invited(self, alice) -> None:  # type: ignore[no-untyped-def]
        run(csv_file([row()]))
        ContractAccess.objects.create(user=alice, contract=Contract.objects.get(), via="code")
        assert run(csv_file([row()]), invite=True).counts["invitations"] == 0

    def test_the_invitation_is_rendered_in_lithuanian(self) -> None:
        from mokesta.outbox.mail import render_subject

        run(csv_file([row()]), invite=True)
        message = OutgoingMessage.objects.get()
        subject = render_subject(f"emails/{message.template}", message.context, language="lt")
        assert subject.startswith("Jūsų sutartis SUT-1 savitarnoje")


class TestTheCommand:
    def test_a_good_file_is_imported_and_counted(self, tmp_path: Path) -> None:
        path = tmp_path / "klientai.xlsx"
        path.write_bytes((SAMPLES / "customers.xlsx").read_bytes())
        out = StringIO()

        call_command("import_customers", str(path), "--balance-date", "2026-11-30", stdout=out)

        assert out.getvalue().startswith("Importuota eilučių: 5. sukurta mokėtojų: 4")
        assert Invoice.objects.get(contract__number="SUT-2021-0003").issue_date == dt.date(
            2026, 11, 30
        )

    def test_a_dry_run_of_a_good_file_writes_nothing(self, tmp_path: Path) -> None:
        path = tmp_path / "klientai.csv"
        path.write_bytes(csv_file([row()]))
        out = StringIO()
        call_command("import_customers", str(path), "--dry-run", stdout=out)
        assert "klaidų nerasta; niekas neįrašyta" in out.getvalue()
        assert snapshot() == (0, 0, 0, 0, 0, 0, 0, 0)

    def test_a_balance_date_in_the_future_is_refused(self, tmp_path: Path) -> None:
        path = tmp_path / "klientai.csv"
        path.write_bytes(csv_file([row()]))
        with pytest.raises(CommandError):
            call_command("import_customers", str(path), "--balance-date", "2026-12-31")
        assert not Contract.objects.exists()

    def test_a_balance_date_before_the_records_is_refused(self, tmp_path: Path) -> None:
        path = tmp_path / "klientai.csv"
        path.write_bytes(csv_file([row()]))
        out = StringIO()
        with pytest.raises(CommandError):
            call_command("import_customers", str(path), "--balance-date", "0001-01-01", stderr=out)
        assert "turi būti nuo 1950-01-01" in out.getvalue()
        assert not Contract.objects.exists()

    def test_a_missing_file_is_a_clear_error(self, tmp_path: Path) -> None:
        with pytest.raises(CommandError, match="No such file"):
            call_command("import_customers", str(tmp_path / "nera.csv"))
