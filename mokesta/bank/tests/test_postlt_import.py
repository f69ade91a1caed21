"""The post office's payment file (samples/postlt_*.txt: Windows-1257, CR LF, 24 fields) imported
through the statement import: payments matched like a bank's, readings declared under the
portal's rules or held for a clerk, the day's bank transfer reconciled with the file."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.management import call_command

from mokesta.bank.booking import import_statement, queue_statement, run_import
from mokesta.bank.models import BankTransaction, HeldReading, PostTransfer, StatementImport
from mokesta.bank.tests import camt
from mokesta.bank.tests.conftest import sample
from mokesta.billing.models import BillingPeriod, Invoice
from mokesta.customers.models import Contract
from mokesta.metering.models import Meter, Reading
from mokesta.payments.models import Payment
from mokesta.testing.factories import add_readings, make_contract, make_meter

pytestmark = pytest.mark.django_db
NOV = dt.date(2026, 11, 1)
OCT = dt.date(2026, 10, 1)
State = BankTransaction.State


class Post:
    """The contracts and meters the sample files pay for and read."""

    def __init__(self) -> None:
        self.ona = make_contract(name="Ona Kazlauskienė")
        self.ona.customer.payer_code = "47203150014"
        self.ona.customer.save()
        # Two meters: the slip's pair 1 and pair 2, in the order of their serial numbers.
        self.kitchen = make_meter(self.ona, initial=100)
        self.bathroom = make_meter(self.ona, initial=50)
        add_readings(self.kitchen, last_month=OCT, count=11, per_month=5)  # Oct: 155
        add_readings(self.bathroom, last_month=OCT, count=11, per_month=3)  # Oct: 83
        # The payment code line 1 of the sample file pays; Ona's second contract makes her
        # payer code alone name no single contract.
        Invoice.objects.create(
            series="PST",
            sequence=1,
            number="PST-000001",
            contract=self.ona,
            period=BillingPeriod.objects.create(month=OCT),
            issue_date=dt.date(2026, 11, 1),
            due_date=dt.date(2026, 11, 30),
            customer_name="Ona Kazlauskienė",
            customer_address="Liepų g. 3, Velžys",
            payer_code="47203150014",
            net=Decimal("37.69"),
            vat=Decimal("7.91"),
            total=Decimal("45.60"),
            amount_due=Decimal("45.60"),
            payment_code="26100000125",
        )
        Contract.objects.create(
            number="VKU-PST-2", customer=self.ona.customer, start_date=dt.date(2020, 1, 1)
        )
        self.petras = self.contract("Petras Jankauskas", "38505230047", initial=200, per=4)
        self.rasa = self.contract("Rasa Žukauskienė", "49107080033", initial=10, per=2)
        # October is billed: its readings can no longer change.
        BillingPeriod.objects.filter(month=OCT).update(state=BillingPeriod.State.CLOSED)

    @staticmethod
    def contract(name: str, payer_code: str, *, initial: int, per: int) -> Contract:
        contract = make_contract(name=name)
        contract.customer.payer_code = payer_code
        contract.customer.save()
        add_readings(make_meter(contract, initial=initial), last_month=OCT, count=11, per_month=per)
        return contract


@pytest.fixture
def post() -> Post:
    with time_machine.travel(dt.datetime(2026, 11, 1, 8, tzinfo=dt.UTC), tick=False):
        return Post()


@pytest.fixture(autouse=True)
def december_first() -> object:
    with time_machine.travel(dt.datetime(2026, 12, 1, 10, tzinfo=dt.UTC), tick=False) as traveller:
        yield traveller


def import_day(name: str = "postlt_261201.txt") -> StatementImport:
    return import_statement(data=sample(name), filename=name).statement


def nov(meter: Meter) -> int | None:
    reading = Reading.objects.filter(meter=meter, period=NOV).first()
    return reading.value if reading else None


def post_transfer_statement(amount: str, text: str = "Įmokų pervedimas Nr. 2566074") -> bytes:
    return camt.document(
        camt.entry(
            amount,
            camt.tx(text, payer="AB Lietuvos paštas"),
            ref="POST2566074",
            booked="2026-12-01",
        )
    )


def test_it_books_the_payments_readings_and_held_readings(post: Post) -> None:
    import_day("postlt_261130.txt")  # yesterday's file: its one line is already imported

    statement = import_day()

    assert statement.format == StatementImport.Format.POSTLT
    assert (statement.entries, statement.matched, statement.unmatched) == (6, 4, 1)
    assert statement.duplicates == 1
    rows = {tx.entry_number: tx for tx in statement.transactions.all()}
    assert rows[5].state == State.DUPLICATE and rows[5].payment is None
    ona_payment = Payment.objects.get(contract=post.ona)
    assert (ona_payment.amount, ona_payment.paid_on) == (Decimal("45.60"), dt.date(2026, 11, 30))
    assert ona_payment.source == Payment.Source.POST
    assert ona_payment.payer_name == "Ona Kazlauskienė"  # read from Windows-1257
    assert Payment.objects.get(contract=post.petras).amount == Decimal("30.00")  # by payer code
    assert Payment.objects.filter(contract=post.rasa).count() == 3  # 18.00 once, 20.00, 15.50
    unknown = Payment.objects.get(contract__isnull=True)
    assert (unknown.amount, unknown.payer_name) == (Decimal("12.34"), "Jonas Nežinomas")
    # Line 1's two pairs: the contract's two meters, in order.
    assert (nov(post.kitchen), nov(post.bathroom)) == (160, 86)
    declared = Reading.objects.get(meter=post.kitchen, period=NOV)
    assert declared.source == Reading.Source.CUSTOMER
    # Held, each with its reason: the implausible (line 2), the unknown payer's (line 3), the
    # reading for October, already billed (line 6). Line 4 wrote no readings.
    held = {h.line: h for h in HeldReading.objects.all()}
    assert sorted(held) == [2, 3, 6]
    petras_meter = Meter.objects.get(service_point__contract=post.petras)
    assert nov(petras_meter) is None
    assert (held[2].value, held[2].previous, held[2].meter) == ("400", "244", petras_meter)
    assert "neįprastai daug" in held[2].reason
    assert held[3].contract is None and held[3].payment == unknown
    assert "nepriskirtas" in held[3].reason
    assert (held[6].month, held[6].contract) == (OCT, post.rasa)
    assert "uždarytas" in held[6].reason
    rasa_meter = Meter.objects.get(service_point__contract=post.rasa)
    assert Reading.objects.get(meter=rasa_meter, period=OCT).value == 32  # unchanged
    transfer = PostTransfer.objects.get(number="2566074")
    assert (transfer.payments, transfer.collected, transfer.fee) == (
        5,
        Decimal("123.44"),
        Decimal("0.40"),
    )
    assert transfer.expected == Decimal("123.04") and transfer.bank_transaction is None


def test_importing_the_file_again_books_nothing(post: Post) -> None:
    import_day()
    counts = (Payment.objects.count(), Reading.objects.count(), HeldReading.objects.count())

    again = import_day()

    assert again.duplicates == again.entries == 6
    assert (Payment.objects.count(), Reading.objects.count(), HeldReading.objects.count()) == counts
    assert PostTransfer.objects.get(number="2566074").payments == 5


def test_the_bank_transfer_after_the_file_is_reconciled_not_booked(post: Post) -> None:
    import_day()
    payments = Payment.objects.count()

    statement = import_statement(data=post_transfer_statement("123.04"), filename="s.xml").statement

    credit = statement.transactions.get()
    assert credit.state == State.PAYOUT and credit.payment is None
    assert Payment.objects.count() == payments
    transfer = PostTransfer.objects.get(transfer_date=dt.date(2026, 12, 1))
    assert transfer.bank_transaction == credit
    assert (transfer.received, transfer.difference) == (Decimal("123.04"), Decimal("0.00"))


def test_the_bank_transfer_before_the_file_waits_for_it(post: Post) -> None:
    import_statement(data=post_transfer_statement("123.04"), filename="s.xml")
    waiting = PostTransfer.objects.get(transfer_date=dt.date(2026, 12, 1))
    assert waiting.file is None and waiting.difference is None
    assert not Payment.objects.exists()

    statement = import_day()

    transfer = PostTransfer.objects.get(transfer_date=dt.date(2026, 12, 1))
    assert transfer.pk == waiting.pk and transfer.file == statement
    assert (transfer.number, transfer.difference) == ("2566074", Decimal("0.00"))


def test_a_transfer_without_its_number_pairs_by_date_and_exact_amount(post: Post) -> None:
    import_statement(data=post_transfer_statement("123.04", "Įmokos"), filename="s.xml")

    import_day()

    assert PostTransfer.objects.get(transfer_date=dt.date(2026, 12, 1)).number == "2566074"


def test_a_difference_is_kept_for_the_clerk(post: Post) -> None:
    import_day()

    import_statement(data=post_transfer_statement("122.00"), filename="s.xml")

    assert PostTransfer.objects.get(number="2566074").difference == Decimal("-1.04")


def test_a_customer_named_like_the_post_is_still_a_payment_in_the_file(post: Post) -> None:
    data = sample("postlt_261201.txt").replace(
        "Jonas Nežinomas".encode("cp1257"), "Lietuvos paštas".encode("cp1257")
    )

    import_statement(data=data, filename="postlt.txt")

    assert Payment.objects.filter(payer_name="Lietuvos paštas").count() == 1


def test_a_reading_below_the_last_one_is_held_with_the_portals_reason(post: Post) -> None:
    data = sample("postlt_261201.txt").replace(b"\t160\t155\t", b"\t150\t155\t")

    import_statement(data=data, filename="postlt.txt")

    held = HeldReading.objects.get(line=1)
    assert held.meter == post.kitchen and nov(post.kitchen) is None
    assert "negali būti mažesni už ankstesnius – 155 m³" in held.reason
    assert nov(post.bathroom) == 86  # the slip's other meter is declared


def test_a_later_portal_declaration_is_kept(post: Post) -> None:
    Reading.objects.create(meter=post.kitchen, period=NOV, value=161, source="customer")

    import_day()  # paid on 30 November, the portal's declaration is of 1 December

    assert nov(post.kitchen) == 161
    assert "161" in HeldReading.objects.get(line=1, position=1).reason


def test_the_command_imports_the_file(post: Post, capsys: pytest.CaptureFixture[str]) -> None:
    from mokesta.bank.tests.conftest import SAMPLES

    call_command("import_statement", str(SAMPLES / "postlt_261201.txt"))

    out = capsys.readouterr().out
    assert "Įrašų: 6" in out
    assert "Rodmenų laukia tarnautojo: 3" in out


def test_the_background_import_imports_the_file(post: Post) -> None:
    queued = queue_statement(data=sample("postlt_261201.txt"), filename="postlt_261201.txt")

    done = run_import(statement_id=queued.pk)

    assert done.state == StatementImport.State.DONE
    assert HeldReading.objects.filter(statement=done).count() == 3
    assert (nov(post.kitchen), nov(post.bathroom)) == (160, 86)


def test_a_reading_the_utility_entered_is_not_replaced(post: Post) -> None:
    Reading.objects.create(meter=post.bathroom, period=NOV, value=85, source="staff")

    import_day()

    assert nov(post.bathroom) == 85
    assert "Šio mėnesio rodmenis jau įvedė įmonė" in HeldReading.objects.get(line=1).reason
    assert nov(post.kitchen) == 160


def test_an_earlier_declaration_of_the_month_is_replaced(post: Post) -> None:
    with time_machine.travel(dt.datetime(2026, 11, 20, 10, tzinfo=dt.UTC), tick=False):
        Reading.objects.create(meter=post.kitchen, period=NOV, value=158, source="customer")

    import_day()  # the slip of 30 November is the later declaration

    assert nov(post.kitchen) == 160
    assert not HeldReading.objects.filter(line=1).exists()


def test_a_third_pair_on_a_two_meter_contract_is_held(post: Post) -> None:
    data = sample("postlt_261201.txt").replace(b"\t86\t83\t\t", b"\t86\t83\t41\t")

    import_statement(data=data, filename="postlt.txt")

    held = HeldReading.objects.get(line=1)
    assert (held.position, held.value, held.meter) == (3, "41", None)
    assert "naudojamų skaitiklių: 2; skaitiklio Nr. 3 nėra" in held.reason
