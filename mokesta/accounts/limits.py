"""Rate limits counted in the shared cache, with allauth's machinery and the same client
address as allauth's own limits (TRUSTED_PROXY_COUNT), and the one page every refusal shows:
HTTP 429, in Lithuanian, in the site's frame, saying what happened and when to try again.

The limits are in settings.ACCOUNT_RATE_LIMITS, next to allauth's ("5/5m/key" = 5 per 5
minutes per key); ours are actions allauth does not know ("login_failed_email",
"signup_success", "link_contract_failed")."""

import math
import time
from dataclasses import dataclass

from allauth.account.adapter import get_adapter
from allauth.core.internal import ratelimit as allauth_ratelimit
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from mokesta.accounts.identity import email_key

APP = "allauth.account"  # the rates are read from ACCOUNT_RATE_LIMITS


def client_address(request: HttpRequest) -> str:
    """The client's address as every limit counts it (allauth's, honouring the trusted
    proxies: never a value a client wrote into X-Forwarded-For itself)."""
    return get_adapter().get_client_ip(request)


@dataclass(frozen=True)
class Limit:
    """One action counted for one key and/or user (per-address rates need no key)."""

    action: str
    key: str | None = None
    user: AbstractBaseUser | None = None

    def _rates(self) -> list[allauth_ratelimit.Rate]:
        return allauth_ratelimit.get_rates(app=APP, action=self.action)

    def allows(self, request: HttpRequest) -> bool:
        """Whether one more attempt is allowed now (counts nothing)."""
        return self.hit(request, dry_run=True)

    def hit(self, request: HttpRequest, *, dry_run: bool = False) -> bool:
        """Count an attempt; False (and nothing counted) when the limit is reached."""
        usage = allauth_ratelimit.consume(
            request,
            app=APP,
            action=self.action,
            key=self.key,
            user=self.user,
            dry_run=dry_run,
            limit_get=True,
        )
        return usage is not None

    def clear(self, request: HttpRequest) -> None:
        allauth_ratelimit.clear(request, app=APP, action=self.action, key=self.key, user=self.user)

    def retry_after(self, request: HttpRequest) -> int:
        """Seconds until one more attempt is allowed (0 when it is now)."""
        now = time.time()
        wait = 0.0
        for rate in self._rates():
            cache_key = allauth_ratelimit.get_cache_key(
                request, app=APP, action=self.action, rate=rate, key=self.key, user=self.user
            )
            # Newest first; the attempt that must expire is the rate.amount-th newest.
            history = [ts for ts in cache.get(cache_key, []) if ts > now - rate.duration]
            if len(history) >= rate.amount:
                wait = max(wait, history[rate.amount - 1] + rate.duration - now)
        return math.ceil(wait)

    def longest_window(self) -> int:
        return int(max((rate.duration for rate in self._rates()), default=60))


# What each refused action is called on the page (the template words it).
REASONS = {"login", "signup", "reset", "link", "request", "other"}


def too_many_requests(request: HttpRequest, *, reason: str, retry_after: int) -> HttpResponse:
    """The 429 page (portal/templates/429.html) with a Retry-After header."""
    assert reason in REASONS, reason
    retry_after = max(retry_after, 1)
    response = TemplateResponse(
        request,
        "429.html",
        {"reason": reason, "minutes": math.ceil(retry_after / 60)},
        status=429,
    )
    response["Retry-After"] = str(retry_after)
    response.render()
    return response


# allauth's own limits that answer 429 from a view, by URL name: the action and the form field
# that is its key.
_ALLAUTH_VIEWS = {
    "account_reset_password": ("reset_password", "email", "reset"),
    "account_reset_password_from_key": ("reset_password_from_key", None, "reset"),
    "account_signup": ("signup", None, "signup"),
    "account_login": ("login", None, "login"),
    "account_change_password": ("change_password", None, "other"),
    "account_reauthenticate": ("reauthenticate", None, "other"),
}


def handler429(request: HttpRequest) -> HttpResponse:
    """allauth calls ROOT_URLCONF.handler429 for the limits it enforces itself."""
    match = request.resolver_match
    url_name = (match.url_name if match else None) or ""
    action, field, reason = _ALLAUTH_VIEWS.get(url_name, ("", None, "other"))
    if not action:
        return too_many_requests(request, reason=reason, retry_after=60)
    key = email_key(str(request.POST.get(field, ""))) if field else None
    user = request.user if request.user.is_authenticated else None
    limit = Limit(action, key=key, user=user)  # type: ignore[arg-type]
    try:
        retry_after = limit.retry_after(request)
    except Exception:  # a per-key or per-user rate we cannot rebuild: say the longest window
        retry_after = 0
    return too_many_requests(
        request, reason=reason, retry_after=retry_after or limit.longest_window()
    )
