"""Contracts the sample statements pay for (tests/samples/*), by each of the three keys."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest

from mokesta.billing.models import BillingPeriod, Invoice
from mokesta.customers.models import Contract, Customer
from mokesta.testing.staff import fresh_rate_limits  # noqa: F401
from mokesta.utility.models import Utility

SAMPLES = Path(__file__).parent / "samples"
ACCOUNT = "LT407300010012345678"  # the account of every sample statement


@pytest.fixture(autouse=True)
def utility(db: None) -> Utility:
    """The utility whose account the sample statements are of (statements of another account
    are refused). Its own series, so credit notes never meet the hand-made VKU invoices."""
    return Utility.objects.create(
        name="VšĮ Velžio komunalinis ūkis",
        short_name="Velžio komunalinis ūkis",
        iban=ACCOUNT,
        invoice_series="BNK",
    )


@dataclass
class Ledger:
    by_payment_code: Contract  # camt053.xml / swedbank.csv pay its invoice's code PC-2026100001
    by_contract_number: Contract  # VKU-2018-0007 is written in the remittance text
    by_payer_code: Contract  # payer code 49107080033 is written in the remittance text
    invoice: Invoice


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


@pytest.fixture
def ledger(db: None) -> Ledger:
    ona = Customer.objects.create(name="Ona Kazlauskienė", payer_code="39002150011", address="A")
    petras = Customer.objects.create(
        name="Petras Jankauskas", payer_code="38505230047", address="B"
    )
    rasa = Customer.objects.create(name="Rasa Žukauskienė", payer_code="49107080033", address="C")
    start = dt.date(2020, 1, 1)
    ona_contract = Contract.objects.create(
        number="VKU-2019-0031", customer=ona, start_date=start, category="house"
    )
    # A second contract of the same payer, so her payment can only match by payment code.
    Contract.objects.create(
        number="VKU-2021-0158", customer=ona, start_date=start, category="house"
    )
    period = BillingPeriod.objects.create(month=dt.date(2026, 10, 1))
    invoice = Invoice.objects.create(
        series="VKU",
        sequence=1,
        number="VKU-000001",
        contract=ona_contract,
        period=period,
        issue_date=dt.date(2026, 11, 1),
        due_date=dt.date(2026, 11, 30),
        customer_name=ona.name,
        customer_address=ona.address,
        payer_code=ona.payer_code,
        net=Decimal("20.99"),
        vat=Decimal("4.41"),
        total=Decimal("25.40"),
        amount_due=Decimal("25.40"),
        payment_code="PC-2026100001",
    )
    return Ledger(
        by_payment_code=ona_contract,
        by_contract_number=Contract.objects.create(
            number="VKU-2018-0007", customer=petras, start_date=start, category="apartment"
        ),
        by_payer_code=Contract.objects.create(
            number="VKU-2020-0090", customer=rasa, start_date=start, category="house"
        ),
        invoice=invoice,
    )
