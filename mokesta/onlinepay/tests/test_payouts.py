"""The provider's payout on a bank statement: recognised by its payer, tied to the online
payments it settles, booked nothing twice, never in the unmatched queue; a difference is kept
for staff, who see it in the back office."""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.test import Client

from mokesta.accounts.models import User
from mokesta.backoffice.groups import ACCOUNTANT, setup_groups
from mokesta.bank.booking import import_statement
from mokesta.bank.models import BankTransaction
from mokesta.conftest import make_user
from mokesta.onlinepay import providers
from mokesta.onlinepay.models import PaymentOrder, Payout
from mokesta.onlinepay.orders import apply_outcome, start_order
from mokesta.onlinepay.tests.conftest import Debt
from mokesta.payments.models import Payment, UnmatchedPayment
from mokesta.utility.models import Utility


@pytest.fixture(autouse=True)
def utility(db: None) -> Utility:
    """The utility whose account the statements below are of (another account's are refused)."""
    return Utility.objects.create(name="VKŪ", short_name="VKŪ", iban="LT407300010012345678")


ENTRY = """
      <Ntry>
        <Amt Ccy="EUR">{amount}</Amt>
        <CdtDbtInd>CRDT</CdtDbtInd>
        <Sts>BOOK</Sts>
        <BookgDt><Dt>{day}</Dt></BookgDt>
        <AcctSvcrRef>{ref}</AcctSvcrRef>
        <NtryDtls><TxDtls>
          <RltdPties><Dbtr><Nm>{payer}</Nm></Dbtr></RltdPties>
          <RmtInf><Ustrd>{text}</Ustrd></RmtInf>
        </TxDtls></NtryDtls>
      </Ntry>"""


def statement(*entries: dict[str, str]) -> bytes:
    body = "".join(ENTRY.format(**entry) for entry in entries)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">
  <BkToCstmrStmt>
    <GrpHdr><MsgId>S1</MsgId><CreDtTm>2026-11-22T06:00:00</CreDtTm></GrpHdr>
    <Stmt><Id>S1</Id><Acct><Id><IBAN>LT407300010012345678</IBAN></Id></Acct>{body}
    </Stmt>
  </BkToCstmrStmt>
</Document>""".encode()


def confirmed(debt: Debt, user: User, amount: str, at: dt.datetime) -> PaymentOrder:
    provider = providers.current()
    assert provider is not None
    with time_machine.travel(at, tick=False):
        order = start_order(
            user=user, contract=debt.contract, amount=Decimal(amount), provider=provider
        )
        outcome = providers.Outcome(
            order_id=order.order_id,
            status=providers.PAID,
            amount=order.amount,
            currency="EUR",
            test=False,
        )
        return apply_outcome(outcome=outcome, provider=provider)


@pytest.fixture
def paysera(settings: Any) -> None:
    settings.PAYMENT_PROVIDER = "paysera"
    settings.PAYSERA_PROJECT_ID = "123456"
    settings.PAYSERA_PASSWORD = "secret"


def test_a_payout_settles_the_online_payments_and_books_nothing_twice(
    alice: User, debt: Debt, paysera: None
) -> None:
    first = confirmed(debt, alice, "10.00", dt.datetime(2026, 11, 20, 9, tzinfo=dt.UTC))
    second = confirmed(debt, alice, "20.00", dt.datetime(2026, 11, 20, 21, tzinfo=dt.UTC))
    later = confirmed(
        debt, alice, "5.00", dt.datetime(2026, 11, 21, 23, tzinfo=dt.UTC)
    )  # 22nd in Vilnius
    booked = Payment.objects.count()
    assert booked == 3
    data = statement(
        {
            "amount": "29.55",  # 30.00 less the provider's fees
            "day": "2026-11-21",
            "ref": "PAYOUT-1",
            "payer": "Paysera LT, UAB",
            "text": "Išmoka pagal sutartį 2026-11-20",
        },
        {
            "amount": "54.20",
            "day": "2026-11-21",
            "ref": "CUST-1",
            "payer": "Alė Žemaitė",
            "text": f"Už vandenį {debt.contract.number}",
        },
    )
    result = import_statement(data=data, filename="s.xml")
    assert (result.statement.matched, result.statement.unmatched) == (2, 0)
    assert Payment.objects.count() == booked + 1  # the customer's transfer; the payout is not one
    assert not UnmatchedPayment.objects.exists()
    transaction = BankTransaction.objects.get(checksum="PAYOUT-1")
    assert transaction.state == BankTransaction.State.PAYOUT and transaction.payment is None
    payout = Payout.objects.get()
    assert payout.bank_transaction == transaction
    assert payout.settled == Decimal("30.00") and payout.difference == Decimal("-0.45")
    assert set(payout.orders.all()) == {first, second}
    later.refresh_from_db()
    assert later.payout is None

    again = import_statement(data=data, filename="s.xml")
    assert again.statement.duplicates == 2
    assert Payment.objects.count() == booked + 1
    assert Payout.objects.count() == 1


def test_a_payout_naming_its_orders_settles_exactly_those(
    alice: User, debt: Debt, paysera: None
) -> None:
    one = confirmed(debt, alice, "10.00", dt.datetime(2026, 11, 20, 9, tzinfo=dt.UTC))
    other = confirmed(debt, alice, "20.00", dt.datetime(2026, 11, 20, 10, tzinfo=dt.UTC))
    data = statement(
        {
            "amount": "10.00",
            "day": "2026-11-21",
            "ref": "PAYOUT-2",
            "payer": "EVP International, UAB",
            "text": f"Payout {one.order_id}",
        }
    )
    import_statement(data=data, filename="s.xml")
    payout = Payout.objects.get()
    assert list(payout.orders.all()) == [one] and payout.difference == 0
    other.refresh_from_db()
    assert other.payout is None


def test_accountants_see_online_payments_and_payouts(
    client: Client, alice: User, debt: Debt, paysera: None
) -> None:
    setup_groups()
    order = confirmed(debt, alice, "10.00", dt.datetime(2026, 11, 20, 9, tzinfo=dt.UTC))
    import_statement(
        data=statement(
            {"amount": "9.80", "day": "2026-11-21", "ref": "P3", "payer": "Paysera LT", "text": "x"}
        ),
        filename="s.xml",
    )
    accountant = make_user("buhaltere@example.lt", "Birutė", "Buhalterė", is_staff=True)
    accountant.groups.add(Group.objects.get(name=ACCOUNTANT))
    client.force_login(accountant)
    orders = client.get(
        "/admin/onlinepay/paymentorder/", {"state": "confirmed", "q": order.order_id}
    )
    assert orders.status_code == 200 and order.order_id in orders.content.decode()
    assert client.get("/admin/onlinepay/paymentorder/", {"q": "nothing"}).status_code == 200
    payouts = client.get("/admin/onlinepay/payout/", {"difference": "yes"})
    assert payouts.status_code == 200 and "-0,20" in payouts.content.decode()
    detail = client.get(f"/admin/onlinepay/payout/{Payout.objects.get().pk}/change/")
    assert detail.status_code == 200 and order.order_id in detail.content.decode()
    assert "Paysera LT" in detail.content.decode()  # the bank transaction it came in
    assert client.post(f"/admin/onlinepay/paymentorder/{order.pk}/delete/").status_code == 403


def test_a_booked_online_payment_is_read_only_in_the_admin(
    client: Client, staff: User, alice: User, debt: Debt, paysera: None
) -> None:
    order = confirmed(debt, alice, "10.00", dt.datetime(2026, 11, 20, 9, tzinfo=dt.UTC))
    client.force_login(staff)
    page = client.get(f"/admin/payments/payment/{order.payment_id}/change/").content.decode()
    assert 'name="amount"' not in page and f"paysera:{order.order_id}" in page
