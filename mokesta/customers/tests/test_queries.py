"""The access rule's two forms select the same contracts, and the customers' plain queries are
scoped by it."""

import datetime as dt

import pytest
from django.db import connection
from django.http import Http404
from django.utils import timezone

from mokesta.conftest import make_user
from mokesta.customers.models import (
    Contract,
    ContractAccess,
    EInvoiceSubscription,
    Invitation,
    active_einvoice_subscriptions,
)
from mokesta.customers.queries import (
    ROLE_ORDER,
    einvoice_subscription,
    has_contracts,
    linked_to_user,
    members,
    pending_invitations,
    user_contract,
    user_contracts,
)
from mokesta.lib.sql import Names, sql
from mokesta.testing.factories import add_member, make_contract


def linked_by_sql(user) -> list[int]:
    query = sql(
        "SELECT c.{contract.pk} FROM {contract} c {linked} ORDER BY c.{contract.number}",
        contract=Contract,
        linked=linked_to_user("c"),
    )
    with connection.cursor() as cursor:
        cursor.execute(query, [user.pk])
        return [pk for (pk,) in cursor.fetchall()]


def test_the_rules_sql_and_orm_forms_select_the_same_contracts(alice, bob):
    mine = [make_contract(user=alice) for _ in range(3)]
    shared = make_contract(user=bob)
    ContractAccess.objects.create(user=alice, contract=shared, via=ContractAccess.Via.STAFF)
    make_contract(user=bob)
    make_contract()  # nobody's
    for user in (alice, bob):
        assert linked_by_sql(user) == [c.pk for c in user_contracts(user)]
    assert len(linked_by_sql(alice)) == len(mine) + 1


def test_one_contract_and_the_menus_question_follow_the_rule(alice, bob):
    assert has_contracts(alice) is False
    contract = make_contract(user=alice)
    assert has_contracts(alice) is True and has_contracts(bob) is False
    assert user_contract(alice, contract.pk) == contract
    with pytest.raises(Http404):
        user_contract(bob, contract.pk)


def test_names_come_from_the_models_metadata():
    assert str(Names(Contract)) == connection.ops.quote_name(Contract._meta.db_table)
    assert Names(ContractAccess).user == connection.ops.quote_name("user_id")
    assert Names(Contract).pk == connection.ops.quote_name(Contract._meta.pk.column)


def test_the_access_sections_reads_are_the_orms(alice, bob):
    """„Prieiga" (issue 22): everyone with access, holders first, and the open invitations."""
    contract = make_contract(user=alice)
    add_member(contract, bob, ContractAccess.Role.PAY)
    carol = make_user("carol@example.lt", "", "")
    add_member(contract, carol, ContractAccess.Role.VIEW)
    ContractAccess.objects.create(
        user=make_user("dana@example.lt", "Dana", "Dainė"), contract=make_contract(), role="view"
    )
    found = members(contract.pk)
    orm = sorted(
        ContractAccess.objects.filter(contract=contract).select_related("user"),
        key=lambda a: (ROLE_ORDER[a.role], a.created_at, a.pk),
    )
    assert [(m.pk, m.role, m.email, m.name, m.role_label) for m in found] == [
        (a.pk, a.role, a.user.email, a.user.get_full_name() or a.user.email, a.get_role_display())
        for a in orm
    ]
    assert [m.email for m in found] == ["alice@example.lt", "carol@example.lt", "bob@example.lt"]

    now = timezone.now()
    week = dt.timedelta(days=7)

    def invitation(email: str, **fields: object) -> Invitation:
        values = {"role": "view", "invited_by": alice, "expires_at": now + week, **fields}
        return Invitation.objects.create(contract=contract, email=email, token_hash=email, **values)

    open_one = invitation("eva@example.lt")
    invitation("old@example.lt", expires_at=now - week)
    invitation("took@example.lt", accepted_at=now)
    invitation("no@example.lt", cancelled_at=now)
    (row,) = pending_invitations(contract.pk)
    assert (row.pk, row.email, row.role_label) == (open_one.pk, "eva@example.lt", "Peržiūra")
    assert row.expires_at == open_one.expires_at and row.expires_at.tzinfo is not None


@pytest.mark.parametrize(
    "day", ["2026-02-28", "2026-03-01", "2026-06-30", "2026-07-01", "2026-09-01"]
)
def test_the_contract_pages_einvoice_order_is_the_orms(db, day):
    contract, other = make_contract(), make_contract()
    EInvoiceSubscription.objects.create(
        contract=contract,
        bank="Swedbank",
        payer_iban="LT1",
        since=dt.date(2026, 3, 1),
        automatic_payment=True,
        cancelled_on=dt.date(2026, 7, 1),
    )
    EInvoiceSubscription.objects.create(
        contract=contract, bank="SEB", payer_iban="LT2", since=dt.date(2026, 8, 1)
    )
    EInvoiceSubscription.objects.create(
        contract=other, bank="Luminor", payer_iban="LT3", since=dt.date(2020, 1, 1)
    )
    on = dt.date.fromisoformat(day)
    orm = active_einvoice_subscriptions(on).filter(contract=contract).first()
    found = einvoice_subscription(contract.pk, on)
    expected = None if orm is None else (orm.bank, orm.automatic_payment)
    assert (None if found is None else (found.bank, found.automatic_payment)) == expected
    assert found is None or isinstance(found.automatic_payment, bool)
