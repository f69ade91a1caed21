"""Personal access tokens of the open API: made, shown once, looked up by their hash, revoked.

A token reads `mk_<prefix>_<secret>`; only the SHA-256 of the whole string is stored, so the
database alone cannot be used to call the API. Each call records the last use with its count
against the limit (accounts/queries.py: count_token_call); every use is in the audit trail."""

import datetime as dt
import hashlib
import secrets

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from mokesta.accounts.models import ApiToken, User
from mokesta.accounts.queries import token_by_hash
from mokesta.lib.audit import ADDITION, CHANGE, audit

PREFIX = "mk_"
LIFETIMES_DAYS = (30, 90, 365)  # what the profile offers
MAX_ACTIVE = 10  # tokens a user may have that are neither revoked nor expired


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def create_token(*, user: User, name: str, scope: str, days: int) -> tuple[ApiToken, str]:
    """A new token for `user` and its text (to show once; it is never stored)."""
    prefix = secrets.token_hex(4)
    raw = f"{PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            name=name,
            prefix=prefix,
            token_hash=hash_token(raw),
            scope=scope,
            expires_at=timezone.now() + dt.timedelta(days=days),
        )
        audit(user, token, ADDITION, f"API token created, scope {scope}, {days} days")
    return token, raw


def user_tokens(user: User) -> QuerySet[ApiToken]:
    """The user's tokens, newest first (revoked and expired ones too, as the record of them)."""
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-pk")


def active_count(user: User) -> int:
    now = timezone.now()
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True, expires_at__gt=now).count()


def revoke_token(*, user: User, pk: int) -> ApiToken | None:
    """Revoke the user's token `pk` (None when the user has no such token)."""
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().filter(user=user, pk=pk).first()
        if token is None:
            return None
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            audit(user, token, CHANGE, "API token revoked")
    return token


def token_for(raw: str) -> ApiToken | None:
    """The token whose text is `raw` (with its user), whatever its state; None if unknown."""
    if not raw.startswith(PREFIX) or len(raw) > 100:
        return None
    return token_by_hash(hash_token(raw))


def is_usable(token: ApiToken) -> bool:
    return token.revoked_at is None and token.expires_at > timezone.now() and token.user.is_active
