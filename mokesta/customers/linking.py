"""Linking contracts to users: automatically by a confirmed e-mail, or by contract number + payer
code. Failed code attempts are counted in the shared cache per user and per client address
(ACCOUNT_RATE_LIMITS "link_contract_failed"), so that codes cannot be guessed by one account nor
by opening a new account every few tries (contract numbers are sequential)."""

from typing import Any

from allauth.account.models import EmailAddress
from django.db import transaction
from django.http import HttpRequest

from mokesta.accounts.identity import email_key, is_canonical
from mokesta.accounts.limits import Limit
from mokesta.accounts.models import User
from mokesta.customers.household import holder_linked, remove
from mokesta.customers.models import Contract, ContractAccess
from mokesta.lib.dates import local_today


class LinkRefused(Exception):
    """The pair did not match a valid contract (deliberately not saying which half was wrong)."""


class TooManyAttempts(Exception):
    def __init__(self, retry_after: int) -> None:
        super().__init__(retry_after)
        self.retry_after = retry_after  # seconds


def link_by_email(*, user: User, email: str) -> list[Contract]:
    """Link every valid contract whose customer's contact e-mail is one identity with `email`
    (accounts/identity.py, compared with =), when `email` is a confirmed address of the user in
    the form that may be registered (an older row with a look-alike such as "gmaıl" links
    nothing)."""
    confirmed = EmailAddress.objects.filter(user=user, email=email, verified=True).exists()
    if not (confirmed and is_canonical(email)):
        return []
    contracts = list(
        Contract.objects.valid_on(local_today()).filter(customer__email_key=email_key(email))
    )
    with transaction.atomic():
        for contract in contracts:
            make_holder(user=user, contract=contract, via=ContractAccess.Via.EMAIL)
    return contracts


def make_holder(*, user: User, contract: Contract, via: str) -> None:
    """The proof (the customer's confirmed e-mail, or the contract number and payer code) makes
    the user a holder („Sutarties turėtojas"): a new access row, or a member's raised to holder.
    A contract may have several holders (README: Households)."""
    access, created = ContractAccess.objects.get_or_create(
        user=user, contract=contract, defaults={"via": via, "role": ContractAccess.Role.HOLDER}
    )
    raised = not created and access.role != ContractAccess.Role.HOLDER
    if raised:
        access.role, access.via = ContractAccess.Role.HOLDER, via
        access.save(update_fields=["role", "via"])
    if created or raised:
        holder_linked(user=user, contract=contract)


def link_by_code(*, request: HttpRequest, user: User, number: str, payer_code: str) -> Contract:
    """Link the one valid contract with this number and payer code, or refuse."""
    limit = Limit("link_contract_failed", user=user)
    if not limit.allows(request):
        raise TooManyAttempts(limit.retry_after(request))
    contract = (
        Contract.objects.valid_on(local_today())
        .filter(number__iexact=number.strip(), customer__payer_code=payer_code.strip())
        .first()
    )
    if contract is None:
        limit.hit(request)
        raise LinkRefused
    with transaction.atomic():
        make_holder(user=user, contract=contract, via=ContractAccess.Via.CODE)
    return contract


def unlink(*, user: User, contract: Contract) -> None:
    """The user leaves the contract (a holder unlinks it, a member leaves the household)."""
    access = ContractAccess.objects.filter(user=user, contract=contract).first()
    if access is not None:
        remove(actor=user, access=access)


def on_email_confirmed(sender: Any, request: HttpRequest | None, email_address: Any, **kw: Any):
    """allauth's `email_confirmed` signal: the address is now proven to belong to the user."""
    if email_address.verified:
        link_by_email(user=email_address.user, email=email_address.email)
