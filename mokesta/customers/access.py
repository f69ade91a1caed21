"""Contract data a user may see: only contracts linked to them through ContractAccess.

Every customer view fetches its objects through these, so another user's object is a 404."""

from django.shortcuts import get_object_or_404

from mokesta.accounts.models import User
from mokesta.customers.models import Contract


def user_contracts(user: User):  # -> ContractQuerySet
    return (
        Contract.objects.filter(accesses__user=user).select_related("customer").order_by("number")
    )


def user_contract(user: User, pk: int) -> Contract:
    return get_object_or_404(user_contracts(user), pk=pk)
