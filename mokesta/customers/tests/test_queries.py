"""The access rule's two forms select the same contracts, and the customers' plain queries are
scoped by it."""

import pytest
from django.db import connection
from django.http import Http404

from mokesta.customers.models import Contract, ContractAccess
from mokesta.customers.queries import (
    has_contracts,
    linked_to_user,
    user_contract,
    user_contracts,
)
from mokesta.lib.sql import Names, sql
from mokesta.testing.factories import make_contract


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
