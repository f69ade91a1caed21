"""Moving StatementImport and BankTransaction from payments to bank (issue 17) keeps the data:
rows written under the old layout (payments' tables, Payout.bank_transaction) are there after
migrating forward, with their links, content types, permissions and the staff groups' grants;
and migrating back restores the old layout with them."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from mokesta.accounts.models import User
from mokesta.backoffice.groups import ACCOUNTANT, setup_groups
from mokesta.bank.models import BankTransaction, StatementImport
from mokesta.onlinepay.models import PaymentOrder, Payout
from mokesta.payments.models import Payment
from mokesta.testing.factories import make_contract, make_payment

# The last migrations before the move; "bank" had none.
LAST_BEFORE = [("payments", "0005_payment_reference_reused"), ("onlinepay", "0001_initial")]
BEFORE: list[tuple[str, str | None]] = [*LAST_BEFORE, ("bank", None)]


def migrate(targets: list[tuple[str, str | None]]) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    ContentType.objects.clear_cache()
    return MigrationExecutor(connection)  # a fresh loader sees what is applied now


def latest() -> list[tuple[str, str | None]]:
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_rows_links_and_permissions_survive_the_move_to_bank() -> None:
    contract = make_contract()
    uploader = User.objects.create_user("buhaltere@example.lt", "x")
    payment = make_payment(contract, amount="12.50", day=dt.date(2026, 11, 20))
    try:
        executor = migrate(BEFORE)
        old = executor.loader.project_state(LAST_BEFORE).apps
        old_statement = old.get_model("payments", "StatementImport")
        old_transaction = old.get_model("payments", "BankTransaction")
        old_payout = old.get_model("onlinepay", "Payout")
        old_order = old.get_model("onlinepay", "PaymentOrder")
        statement = old_statement.objects.create(
            file_name="s.xml", format="camt053", uploaded_by_id=uploader.pk, entries=2, matched=2
        )
        matched = old_transaction.objects.create(
            statement=statement,
            checksum="REF-1",
            reference="REF-1",
            amount=Decimal("12.50"),
            booked_on=dt.date(2026, 11, 20),
            payer_name="Ona",
            state="matched",
            payment_id=payment.pk,
        )
        received = old_transaction.objects.create(
            statement=statement,
            checksum="PAYOUT-1",
            reference="PAYOUT-1",
            entry_number=2,
            amount=Decimal("9.80"),
            booked_on=dt.date(2026, 11, 21),
            payer_name="Paysera LT",
            state="payout",
        )
        payout = old_payout.objects.create(
            bank_transaction=received,
            provider="paysera",
            amount=Decimal("9.80"),
            settled=Decimal("10.00"),
            booked_on=dt.date(2026, 11, 21),
        )
        order = old_order.objects.create(
            provider="paysera",
            amount=Decimal("10.00"),
            contract_id=contract.pk,
            payout=payout,
        )
        # The content type and permissions of the old layout, granted to the accountants.
        old_type = ContentType.objects.get(app_label="payments", model="statementimport")
        add_statement = Permission.objects.get(
            content_type=old_type, codename="add_statementimport"
        )
        group, _ = Group.objects.get_or_create(name=ACCOUNTANT)
        group.permissions.add(add_statement)
        migrate(latest())

        moved = StatementImport.objects.get()
        assert (moved.pk, moved.file_name, moved.uploaded_by, moved.matched) == (
            statement.pk,
            "s.xml",
            uploader,
            2,
        )
        assert StatementImport._meta.db_table == "bank_statementimport"
        assert BankTransaction._meta.db_table == "bank_banktransaction"
        assert list(moved.transactions.order_by("entry_number").values_list("pk", flat=True)) == [
            matched.pk,
            received.pk,
        ]
        assert Payment.objects.get(pk=payment.pk).bank_transaction.pk == matched.pk
        # The payout link turned round and still joins the same rows, both ways.
        assert BankTransaction.objects.get(pk=received.pk).payout_id == payout.pk
        assert Payout.objects.get(pk=payout.pk).bank_transaction.pk == received.pk
        assert PaymentOrder.objects.get(pk=order.pk).payout_id == payout.pk
        assert BankTransaction.objects.get(pk=matched.pk).payout is None
        # Relabelled, not recreated: the same content type and permission, still granted.
        new_type = ContentType.objects.get_for_model(StatementImport)
        assert (new_type.pk, new_type.app_label) == (old_type.pk, "bank")
        assert not ContentType.objects.filter(
            app_label="payments", model="statementimport"
        ).exists()
        assert Permission.objects.get(codename="add_statementimport").pk == add_statement.pk
        assert group.permissions.filter(pk=add_statement.pk).exists()
        setup_groups()  # what every migrate runs: the accountants keep the power
        accountant = User.objects.create_user("a@example.lt", "x", is_staff=True)
        accountant.groups.add(group)
        assert accountant.has_perms(
            ["bank.add_statementimport", "bank.view_statementimport", "bank.view_banktransaction"]
        )

        # And back: the link returns to the payout, the content type to payments.
        executor = migrate(BEFORE)
        old = executor.loader.project_state(LAST_BEFORE).apps
        old_payout = old.get_model("onlinepay", "Payout")
        assert old_payout.objects.get(pk=payout.pk).bank_transaction_id == received.pk
        assert old.get_model("payments", "BankTransaction").objects.count() == 2
        assert ContentType.objects.get(pk=old_type.pk).app_label == "payments"
    finally:
        migrate(latest())
