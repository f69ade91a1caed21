"""The customer pages' reads of contracts, and the access rule they all share.

The rule: a user sees a contract only through a ContractAccess row linking the two, and does on
it only what the row's role allows (ALLOWED: the household roles of issue 22). It is written here
twice, once for the ORM (`user_contracts`) and once for plain SQL (`linked_to_user`), and
test_queries.py checks that both select the same contracts. Every plain query of the customer
pages (here and in the metering and billing query layers) joins `linked_to_user`; every view
asks `user_contract(user, pk, action=...)` or `may(...)` for what it does, so a role that may not
do something gets a 404 when it forces the URL."""

import datetime as dt
from typing import NamedTuple

from django.db import connection, models
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from mokesta.accounts.models import User
from mokesta.customers.models import Contract, ContractAccess, EInvoiceSubscription, Invitation
from mokesta.lib.replica import read_connection
from mokesta.lib.sql import Names, rows, sql

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


# „Prieiga" on the contract page (a holder's) -------------------------------------------------


class MemberRow(NamedTuple):
    pk: int
    role: str
    email: str
    first_name: str
    last_name: str
    created_at: dt.datetime

    @property
    def name(self) -> str:
        """The person's name, or their address when they gave none."""
        return f"{self.first_name} {self.last_name}".strip() or self.email

    @property
    def role_label(self) -> str:
        return str(ContractAccess.Role(self.role).label)


MEMBERS_SQL = sql(
    """SELECT a.{access.pk}, a.{access.role}, u.{user.email}, u.{user.first_name},
    u.{user.last_name}, a.{access.created_at}
    FROM {access} a JOIN {user} u ON u.{user.pk} = a.{access.user}
    WHERE a.{access.contract} = %s""",
    access=ContractAccess,
    user=User,
)
ROLE_ORDER = {role: n for n, role in enumerate(ContractAccess.Role.values)}


def members(contract_id: int) -> list[MemberRow]:
    """Everyone with access to the contract, holders first, then by when they joined."""
    found = rows(
        MEMBERS_SQL,
        [contract_id],
        MemberRow,
        {"created_at": ContractAccess._meta.get_field("created_at")},
    )
    return sorted(found, key=lambda m: (ROLE_ORDER[m.role], m.created_at, m.pk))


class InvitationRow(NamedTuple):
    pk: int
    email: str
    role: str
    expires_at: dt.datetime

    @property
    def role_label(self) -> str:
        return str(ContractAccess.Role(self.role).label)


PENDING_INVITATIONS_SQL = sql(
    """SELECT i.{invitation.pk}, i.{invitation.email}, i.{invitation.role},
    i.{invitation.expires_at}
    FROM {invitation} i
    WHERE i.{invitation.contract} = %s AND i.{invitation.accepted_at} IS NULL
      AND i.{invitation.cancelled_at} IS NULL AND i.{invitation.expires_at} > %s
    ORDER BY i.{invitation.pk}""",
    invitation=Invitation,
)


def pending_invitations(contract_id: int) -> list[InvitationRow]:
    """The contract's invitations neither accepted, cancelled nor expired, oldest first."""
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    return rows(
        PENDING_INVITATIONS_SQL,
        [contract_id, now],
        InvitationRow,
        {"expires_at": Invitation._meta.get_field("expires_at")},
    )


# The contract page's e-invoice order ---------------------------------------------------------


class SubscriptionRow(NamedTuple):
    bank: str
    automatic_payment: bool


EINVOICE_SQL = sql(
    """SELECT s.{s.bank}, s.{s.automatic_payment} FROM {s} s
    WHERE s.{s.contract} = %s AND s.{s.since} <= %s
      AND (s.{s.cancelled_on} IS NULL OR s.{s.cancelled_on} > %s)
    ORDER BY s.{s.since} DESC, s.{s.pk} DESC LIMIT 1""",
    s=EInvoiceSubscription,
)


def einvoice_subscription(contract_id: int, day: dt.date) -> SubscriptionRow | None:
    """The contract's e-invoice order in force on `day` (models.active_einvoice_subscriptions's
    rule), the newest if ever more than one (the model's order)."""
    on = connection.ops.adapt_datefield_value(day)
    automatic = EInvoiceSubscription._meta.get_field("automatic_payment")
    found = rows(
        EINVOICE_SQL, [contract_id, on, on], SubscriptionRow, {"automatic_payment": automatic}
    )
    return found[0] if found else None
