"""Who calls the API: a personal access token (`Authorization: Bearer <token>`) or the portal's
own session (with CSRF on changes, as the pages). Each call counts against the limit `api` of
ACCOUNT_RATE_LIMITS (API_RATE_LIMIT): a token's calls on the token's own row (one UPDATE that also
records the use), a session's in the site's shared counters as the pages' limits; every use of a
token is written to the audit trail."""

import datetime as dt
import functools
import math
from typing import Any

from allauth.core.internal import ratelimit as allauth_ratelimit
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.security import HttpBearer, SessionAuth

from mokesta.accounts.limits import Limit
from mokesta.accounts.models import ApiToken, User
from mokesta.accounts.queries import audit_token_use, count_token_call
from mokesta.accounts.tokens import is_usable, token_for
from mokesta.api.problems import ApiProblem

LIMIT = "api"


def too_many(wait: float) -> ApiProblem:
    seconds = max(math.ceil(wait), 1)
    return ApiProblem(
        "too-many-requests",
        _("Too many requests. Try again in %(seconds)s seconds.") % {"seconds": seconds},
        retry_after=seconds,
    )


def check_limit(request: HttpRequest, key: str) -> None:
    limit = Limit(LIMIT, key=key)
    if not limit.hit(request):
        raise too_many(limit.retry_after(request))


@functools.lru_cache(maxsize=4)
def token_window(setting: str | None) -> tuple[float, dt.timedelta]:
    """The calls a token may make in its window, and the window, from the setting's first rate
    (no limit without one)."""
    rates = allauth_ratelimit.parse_rates(setting)
    if not rates:
        return math.inf, dt.timedelta(minutes=1)
    return rates[0].amount, dt.timedelta(seconds=rates[0].duration)


def count_call(token: ApiToken, now: dt.datetime) -> None:
    """Count the call in the token's window (the first rate of API_RATE_LIMIT, "120/m": a fixed
    window of a minute from its first call); refuse it past the rate's amount."""
    amount, window = token_window(settings.ACCOUNT_RATE_LIMITS.get(LIMIT))
    call = count_token_call(token, now, window)
    if call.calls > amount:
        raise too_many((call.window_started_at + window - now).total_seconds())


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> ApiToken:
        found = token_for(token.strip())
        if found is None:
            raise ApiProblem("not-authenticated", _("The token is not valid."))
        if found.revoked_at is not None:
            raise ApiProblem("not-authenticated", _("The token has been revoked."))
        if not is_usable(found):
            raise ApiProblem("not-authenticated", _("The token has expired."))
        now = timezone.now()
        with transaction.atomic():  # one commit for the count and the audit row
            count_call(found, now)
            audit_token_use(found, now, f"API: {request.method} {request.path}")
        request.user = found.user
        return found


class PortalSession(SessionAuth):
    """The logged-in portal user (ninja checks CSRF on unsafe methods, as Django does)."""

    def _get_key(self, request: HttpRequest) -> str | None:
        # Without a session cookie there is no session to protect: a program that forgot its
        # token gets the 401 that says so, not a CSRF failure.
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return None
        return super()._get_key(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        if user:
            check_limit(request, f"user:{user.pk}")
        return user


def api_user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]  # set by TokenAuth or the session


def require_declare(request: HttpRequest) -> None:
    """A read-only token may not declare (the session of the portal may, as its pages do)."""
    auth = getattr(request, "auth", None)
    if isinstance(auth, ApiToken) and not auth.can_declare():
        raise ApiProblem(
            "insufficient-scope",
            _("This token may only read. Create a token with the scope to declare readings."),
        )
