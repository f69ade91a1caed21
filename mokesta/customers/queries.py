"""The customer pages' reads of contracts, and the access rule they all share.

The rule: a user sees a contract only through a ContractAccess row linking the two, and does on
it only what the row's role allows (ALLOWED: the household roles of issue 22). It is written here
twice, once for the ORM (`user_contracts`) and once for plain SQL (`linked_to_user`), and
test_queries.py checks that both select the same contracts. Every plain query of the customer
pages (here and in the metering and billing query layers) joins `linked_to_user`; every view
asks `user_contract(user, pk, action=...)` or `may(...)` for what it does, so a role that may not
do something gets a 404 when it forces the URL."""

from django.db import models
from django.db.models import QuerySet
from django.http import Http404

from mokesta.accounts.models import User
from mokesta.customers.models import Contract, ContractAccess
from mokesta.lib.replica import read_connection
from mokesta.lib.sql import Names, sql

Role = ContractAccess.Role

# What each role may do with a contract. „see": every page of it (invoices, payments,
# consumption, readings, its messages); „declare": readings, requests („Rašyti užklausą") and the
# meters' names; „away": „Išvykstu"; „pay": online payment; „manage": „Prieiga" (invite, change
# roles, remove). Leaving a contract needs no right: anyone linked may.
ALLOWED: dict[str, frozenset[str]] = {
    "see": frozenset(Role.values),
    "declare": frozenset({Role.HOLDER, Role.DECLARE}),
    "away": frozenset({Role.HOLDER, Role.DECLARE}),
    "pay": frozenset({Role.HOLDER, Role.PAY}),
    "manage": frozenset({Role.HOLDER}),
}
ACTIONS = tuple(ALLOWED)


def allows(role: str | None, action: str) -> bool:
    """Whether `role` (None: not linked) may do `action`."""
    return role is not None and role in ALLOWED[action]


def user_contracts(user: User, action: str = "see") -> QuerySet[Contract]:
    """The access rule for the ORM: the contracts linked to `user` with a role that may do
    `action` (by default: see), by number."""
    return (
        Contract.objects.filter(accesses__user=user, accesses__role__in=ALLOWED[action])
        .select_related("customer")
        .order_by("number")
    )


def _roles_sql(action: str) -> str:
    # The roles are this module's constants, never user input: safe to write into the SQL.
    if action == "see":
        return ""
    roles = ", ".join(f"'{role}'" for role in sorted(ALLOWED[action]))
    return sql(" AND access.{access.role} IN (" + roles + ")", access=ContractAccess)


def linked_to_user(alias: str, model: type[models.Model] = Contract, action: str = "see") -> str:
    """The access rule for plain SQL: a JOIN that keeps a row of `model` (a Contract, or a model
    with a `contract` relation such as an invoice) under the SQL alias `alias` only if its
    contract is linked to the user given as the next parameter (%s), with a role that may do
    `action`. The access row is under the SQL alias `access`."""
    names = Names(model)
    contract_id = names.pk if model is Contract else names.contract
    return sql(
        "JOIN {access} access ON access.{access.contract} = {alias}.{contract_id}"
        " AND access.{access.user} = %s",
        access=ContractAccess,
        alias=alias,
        contract_id=contract_id,
    ) + _roles_sql(action)


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
USER_CONTRACT_SQL = {
    action: sql(
        "SELECT c.*, access.{access.role} AS user_role FROM {contract} c {linked}"
        " WHERE c.{contract.pk} = %s",
        contract=Contract,
        access=ContractAccess,
        linked=linked_to_user("c", action=action),
    )
    for action in ACTIONS
}


def user_contract(user: User, pk: int, action: str = "see") -> Contract:
    """The contract `pk` if it is linked to `user` with a role that may do `action` (by default:
    see), else a 404. The contract carries the user's role as `user_role`."""
    for contract in Contract.objects.raw(USER_CONTRACT_SQL[action], [user.pk, pk]):
        return contract
    raise Http404


def role_of(user: User, contract_id: int) -> str | None:
    """The user's role on the contract, None when not linked."""
    return (
        ContractAccess.objects.filter(user=user, contract_id=contract_id)
        .values_list("role", flat=True)
        .first()
    )


def may(user: User, contract_id: int, action: str) -> bool:
    """Whether `user` may do `action` on the contract (for showing or hiding an action)."""
    return allows(role_of(user, contract_id), action)


def roles_by_contract(user: User) -> dict[int, str]:
    """The user's role on each linked contract."""
    return dict(ContractAccess.objects.filter(user=user).values_list("contract_id", "role"))
