"""Issue 19.5: the admin index leads with the work queues and their counts, each linking to its
list; each staff member sees the queues they may open. Amounts in lists read „12 105,82 €"."""

import datetime as dt

from mokesta.accounts.models import User
from mokesta.backoffice.tests.conftest import admin_client
from mokesta.bank.models import StatementImport
from mokesta.inquiries.models import Inquiry
from mokesta.outbox.models import OutgoingMessage
from mokesta.payments.models import Payment
from mokesta.testing.factories import make_contract, make_invoice
from mokesta.testing.lithuanian import visible_text


def queues_of(user: User) -> str:
    html = admin_client(user).get("/admin/").content
    text = visible_text(html)
    return text[text.index("Darbo eilės") : text.index("Darbo eilės") + 200]


def fill_the_queues() -> None:
    contract = make_contract()
    for state in ("submitted", "in_progress", "resolved"):
        Inquiry.objects.create(contract=contract, topic="other", state=state)
    Inquiry.objects.create(contract=contract, topic="other", awaiting_answer=False)
    for n in range(12):
        Payment.objects.create(
            amount="1.00", paid_on=dt.date(2026, 11, 2), source="bank", bank_reference=f"Q{n}"
        )
    StatementImport.objects.create(file_name="a.xml", format="camt053", state="queued")
    OutgoingMessage.objects.create(
        channel="email", recipient="a@example.lt", template="t", dedup_key="f1", state="failed"
    )


def test_the_index_counts_what_waits_for_staff(staff: User):
    fill_the_queues()
    text = queues_of(staff)
    assert "Neatsakytos užklausos 2" in text  # resolved and answered ones are not waiting
    assert "Nepriskirti mokėjimai 12" in text
    assert "Laukiantys išrašų importai 1" in text
    assert "Neišsiųsti pranešimai 1" in text
    html = admin_client(staff).get("/admin/").content.decode()
    assert 'href="/admin/inquiries/inquiry/?awaiting_answer__exact=1"' in html
    assert 'href="/admin/messaging/outgoingmessage/?state__exact=failed"' in html


def test_each_group_sees_the_queues_it_may_open(clerk: User, accountant: User):
    fill_the_queues()
    assert "Laukiantys išrašų importai" not in queues_of(clerk)
    assert "Neatsakytos užklausos 2" in queues_of(clerk)
    assert "Neatsakytos užklausos" not in queues_of(accountant)
    assert "Laukiantys išrašų importai 1" in queues_of(accountant)


def test_list_amounts_read_as_lithuanian_write_them(staff: User):
    make_invoice(make_contract(), month=dt.date(2026, 10, 1), total="12105.82")
    text = visible_text(admin_client(staff).get("/admin/billing/invoice/").content)
    assert "12 105,82 €" in text
    assert "12105,82" not in text and "12105.82" not in text


def test_the_header_greets_without_a_case_to_get_wrong(staff: User):
    text = visible_text(admin_client(staff).get("/admin/").content)
    assert "Prisijungta: Rūta ." in text  # the name is in <strong>, the period after it
    assert "Sveiki," not in text
