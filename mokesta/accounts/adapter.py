"""django-allauth adapter: stores the registration's extra fields and sends allauth's e-mails
through `mokesta.outbox.mail` (a task after commit, in the recipient's language)."""

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from allauth.core.exceptions import ImmediateHttpResponse
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.base_user import AbstractBaseUser
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponseBase
from django.utils import timezone, translation
from django.utils.translation import gettext

from mokesta.accounts.identity import check_email, email_key
from mokesta.accounts.limits import Limit, client_address, too_many_requests
from mokesta.accounts.models import User
from mokesta.outbox.mail import queue_email, render_email


def login_limits(request: HttpRequest, email: str) -> tuple[Limit, Limit]:
    """Failed logins are counted per (e-mail, client address) — what stops one guesser — and
    per e-mail with a higher ceiling — what stops many. One attacker therefore cannot keep the
    owner (at another address) out, and a successful password reset clears both. Both count
    by the address's identity key, so a look-alike ("vıctim@…") counts as the address."""
    email = email_key(email)
    return (
        Limit("login_failed", key=f"{email}|{client_address(request)}"),
        Limit("login_failed_email", key=email),
    )


def refuse_login(request: HttpRequest, limits: tuple[Limit, ...]) -> None:
    wait = max(limit.retry_after(request) for limit in limits)
    raise ImmediateHttpResponse(too_many_requests(request, reason="login", retry_after=wait))


def recipient_language(email: str) -> str:
    """The language the owner of `email` chose, else the language of the current request."""
    language = User.objects.by_email(email).values_list("language", flat=True).first()
    if language not in dict(settings.LANGUAGES):
        language = translation.get_language() or settings.LANGUAGE_CODE
    return language


def email_taken(email: str, *, exclude: AbstractBaseUser | None = None) -> bool:
    """Whether another account has an address that is one identity with `email`."""
    users = User.objects.by_email(email)
    if exclude is not None:
        users = users.exclude(pk=exclude.pk)
    return users.exists()


class AccountAdapter(DefaultAccountAdapter):
    def clean_email(self, email: str) -> str:
        # Registration, the e-mail change and the password reset: the address as it is stored,
        # or the look-alike refusal (accounts/identity.py), whoever is registered.
        return check_email(email)

    def confirm_email(self, request: HttpRequest, email_address: EmailAddress) -> bool:
        # allauth refuses to confirm an address another account has confirmed, comparing it as
        # it is written; the identity rule compares keys (an older row with a look-alike, or a
        # change to an address that is one identity with another account's).
        if email_taken(email_address.email, exclude=email_address.user):
            self.add_message(
                request,
                messages.ERROR,
                "account/messages/email_confirmation_failed.txt",
                {"email": email_address.email},
            )
            return False
        return super().confirm_email(request, email_address)

    def save_user(
        self,
        request: HttpRequest,
        user: AbstractBaseUser,
        form: BaseForm,
        commit: bool = True,
    ) -> AbstractBaseUser:
        user = super().save_user(request, user, form, commit=False)
        data = form.cleaned_data
        if isinstance(user, User) and "accept_rules" in data:  # the registration form
            user.phone = data.get("phone") or ""
            user.invoices_by_email = bool(data.get("invoices_by_email"))
            user.sms_opt_in = bool(data.get("sms_opt_in"))
            user.rules_accepted_at = timezone.now()
            language = translation.get_language()
            if language in dict(settings.LANGUAGES):
                user.language = language
        if commit:
            user.save()
        return user

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        # allauth's version counts failures per e-mail from any address (anyone could lock an
        # owner out); ours per (e-mail, address) plus a per-e-mail ceiling. Refused: the 429
        # page, which offers the password reset.
        limits = login_limits(request, credentials.get("email", ""))
        if not all(limit.allows(request) for limit in limits):
            refuse_login(request, limits)
        self._login_failed_hits = limits

    def authentication_failed(self, request: HttpRequest, **credentials: Any) -> None:
        for limit in getattr(self, "_login_failed_hits", ()):
            limit.hit(request)

    def _delete_login_attempts_cached_email(self, request: HttpRequest, **credentials: Any) -> None:
        # After a successful password reset the owner may log in at once, from anywhere.
        for limit in login_limits(request, credentials.get("email", "")):
            limit.clear(request)

    def respond_email_verification_sent(
        self, request: HttpRequest, user: AbstractBaseUser | None
    ) -> HttpResponseBase:
        # The same page follows registration and a login with an unconfirmed address; after a
        # login it must say why the user is not in (only someone with the password gets here).
        match = request.resolver_match
        if match is not None and match.url_name == "account_login":
            messages.error(
                request, gettext("You cannot log in yet: your e-mail address is not confirmed.")
            )
        return super().respond_email_verification_sent(request, user)

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        request = self.request
        ctx: dict[str, Any] = {"email": email}
        if request is not None:
            ctx["request"] = request
        ctx.update(context)
        message = render_email(
            template_prefix,
            ctx,
            to=[email],
            language=recipient_language(email),
            request=request,
        )
        queue_email(message)
