"""Linking contracts to users: automatically by a confirmed e-mail, or by contract number + payer
code. Failed code attempts are counted per user in the cache so codes cannot be guessed."""

from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest

from mokesta.accounts.models import User
from mokesta.customers.models import Contract, ContractAccess
from mokesta.lib.dates import local_today

MAX_FAILED_ATTEMPTS = 5
ATTEMPT_WINDOW_SECONDS = 3600


class LinkRefused(Exception):
    """The pair did not match a valid contract (deliberately not saying which half was wrong)."""


class TooManyAttempts(Exception):
    pass


def _attempts_key(user: User) -> str:
    return f"customers:link-failures:{user.pk}"


def link_by_email(*, user: User, email: str) -> list[Contract]:
    """Link every valid contract whose customer's contact e-mail is `email` (case-insensitive)."""
    contracts = list(
        Contract.objects.valid_on(local_today()).filter(customer__email__iexact=email.strip())
    )
    with transaction.atomic():
        for contract in contracts:
            ContractAccess.objects.get_or_create(
                user=user, contract=contract, defaults={"via": ContractAccess.Via.EMAIL}
            )
    return contracts


def link_by_code(*, user: User, number: str, payer_code: str) -> Contract:
    """Link the one valid contract with this number and payer code, or refuse."""
    key = _attempts_key(user)
    if (cache.get(key) or 0) >= MAX_FAILED_ATTEMPTS:
        raise TooManyAttempts
    contract = (
        Contract.objects.valid_on(local_today())
        .filter(number__iexact=number.strip(), customer__payer_code=payer_code.strip())
        .first()
    )
    if contract is None:
        # add() only sets the key when missing, so the window starts at the first failure.
        cache.add(key, 0, ATTEMPT_WINDOW_SECONDS)
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, ATTEMPT_WINDOW_SECONDS)
        raise LinkRefused
    with transaction.atomic():
        ContractAccess.objects.get_or_create(
            user=user, contract=contract, defaults={"via": ContractAccess.Via.CODE}
        )
    return contract


def unlink(*, user: User, contract: Contract) -> None:
    ContractAccess.objects.filter(user=user, contract=contract).delete()


def on_email_confirmed(sender: Any, request: HttpRequest | None, email_address: Any, **kw: Any):
    """allauth's `email_confirmed` signal: the address is now proven to belong to the user."""
    link_by_email(user=email_address.user, email=email_address.email)
