from io import StringIO

import pytest
from django.core.management import call_command

from mokesta.billing.ledger import balance
from mokesta.billing.models import BillingPeriod, Invoice
from mokesta.customers.models import Contract
from mokesta.demo.billing import DEBTOR, OVERPAYER


@pytest.mark.django_db
def test_the_demo_bills_every_past_month_and_leaves_a_debt_and_an_advance() -> None:
    call_command("load_demo", stdout=StringIO())

    assert Invoice.objects.count() >= 13 * Contract.objects.count()
    assert not BillingPeriod.objects.filter(state="open").exists()
    debtor = Contract.objects.get(customer__payer_code=DEBTOR)
    overpayer = Contract.objects.get(customer__payer_code=OVERPAYER)
    assert balance(debtor) > Invoice.objects.filter(contract=debtor)[0].total
    assert Invoice.objects.filter(contract=debtor, interest__gt=0).exists()
    assert balance(overpayer) < 0
    demo = Contract.objects.filter(customer__email="demo@mokesta.lt")
    for contract in demo:
        newest = Invoice.objects.filter(contract=contract)[0]
        assert balance(contract) == newest.total  # everything but the newest invoice is paid
