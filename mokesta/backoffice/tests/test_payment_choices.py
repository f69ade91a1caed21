"""Issue 19.5: an unmatched payment's contract choices name the customer and the address; a
statement's result rows link to what each transaction became."""

import datetime as dt

from mokesta.accounts.models import User
from mokesta.bank.models import BankTransaction, StatementImport
from mokesta.payments.models import Payment
from mokesta.testing.factories import make_contract, make_payment
from mokesta.testing.staff import accountant, admin_client, clerk  # noqa: F401


def test_the_contract_choices_name_the_customer_and_address(clerk: User):  # noqa: F811
    contract = make_contract(name="Ona Kazlauskienė", address="Liepų g. 3, Velžys")
    make_contract(name="Petras Petraitis", address="Beržų g. 1, Velžys")
    payment = Payment.objects.create(
        amount="20.00", paid_on=dt.date(2026, 11, 20), source="bank", bank_reference="R1"
    )
    client = admin_client(clerk)
    found = client.get(
        "/admin/autocomplete/",
        {
            "app_label": "payments",
            "model_name": "unmatchedpayment",
            "field_name": "contract",
            "term": "Kazlausk",
        },
    ).json()["results"]
    assert [r["text"] for r in found] == [
        f"{contract.number} — Ona Kazlauskienė, Liepų g. 3, Velžys"
    ]
    # The chosen contract keeps its label when the form comes back with an error.
    page = client.post(
        f"/admin/payments/unmatchedpayment/{payment.pk}/change/", {"contract": contract.pk}
    )
    assert page.status_code == 302
    done = client.get(page["Location"]).content.decode()
    assert "20,00\xa0€" in done


def test_the_import_result_links_to_the_contract_and_payment(accountant: User):  # noqa: F811
    contract = make_contract()
    statement = StatementImport.objects.create(
        file_name="išrašas.xml", format="camt053", entries=2, matched=1, unmatched=1
    )
    matched = make_payment(contract, amount="10.00", day=dt.date(2026, 11, 20))
    unmatched = Payment.objects.create(
        amount="5.00", paid_on=dt.date(2026, 11, 20), source="bank", bank_reference="R9"
    )
    for number, (payment, state) in enumerate([(matched, "matched"), (unmatched, "unmatched")]):
        BankTransaction.objects.create(
            statement=statement,
            checksum=f"c{number}",
            entry_number=number + 1,
            amount=payment.amount,
            state=state,
            payment=payment,
        )
    client = admin_client(accountant)
    html = client.get(f"/admin/bank/statementimport/{statement.pk}/change/").content.decode()
    assert f'href="/admin/customers/contract/{contract.pk}/overview/"' in html
    assert f'href="/admin/payments/payment/{matched.pk}/change/"' in html
    assert f'href="/admin/payments/unmatchedpayment/{unmatched.pk}/change/"' in html
