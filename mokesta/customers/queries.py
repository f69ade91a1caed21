"""The customer pages' reads of contracts, and the access rule they all share.

The rule: a user sees a contract only through a ContractAccess row linking the two. It is
written here twice, once for the ORM (`user_contracts`) and once for plain SQL (`linked_to_user`),
and test_queries.py checks that both select the same contracts. Every plain query of the customer
pages (here and in the metering and billing query layers) joins `linked_to_user`."""

from django.db import models
from django.db.models import QuerySet
from django.http import Http404

from mokesta.accounts.models import User
from mokesta.customers.models import Contract, ContractAccess
from mokesta.lib.replica import read_connection
from mokesta.lib.sql import Names, sql


def user_contracts(user: User) -> QuerySet[Contract]:
    """The access rule for the ORM: the contracts linked to `user`, by number."""
    return (
        Contract.objects.filter(accesses__user=user).select_related("customer").order_by("number")
    )


def linked_to_user(alias: str, model: type[models.Model] = Contract) -> str:
    """The access rule for plain SQL: a JOIN that keeps a row of `model` (a Contract, or a model
    with a `contract` relation such as an invoice) under the SQL alias `alias` only if its
    contract is linked to the user given as the next parameter (%s)."""
    names = Names(model)
    contract_id = names.pk if model is Contract else names.contract
    return sql(
        "JOIN {access} access ON access.{access.contract} = {alias}.{contract_id}"
        " AND access.{access.user} = %s",
        access=ContractAccess,
        alias=alias,
        contract_id=contract_id,
    )


HAS_CONTRACTS_SQL = sql(
    "SELECT 1 FROM {access} WHERE {access.user} = %s LIMIT 1", access=ContractAccess
)


def has_contracts(user: User) -> bool:
    """Whether any contract is linked to `user` (the menu on every page asks): one plain query."""
    with read_connection().cursor() as cursor:
        cursor.execute(HAS_CONTRACTS_SQL, [user.pk])
        return cursor.fetchone() is not None


# One of the user's contracts through raw(), which gives the model with its fields converted as
# the ORM does; building the ORM query took longer than the database to answer it. The customer
# is read when used.
USER_CONTRACT_SQL = sql(
    "SELECT c.* FROM {contract} c {linked} WHERE c.{contract.pk} = %s",
    contract=Contract,
    linked=linked_to_user("c"),
)


def user_contract(user: User, pk: int) -> Contract:
    """The contract `pk` if it is linked to `user`, else a 404."""
    for contract in Contract.objects.raw(USER_CONTRACT_SQL, [user.pk, pk]):
        return contract
    raise Http404
