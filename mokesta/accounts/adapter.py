"""django-allauth adapter: stores the registration's extra fields and sends allauth's e-mails
through `mokesta.outbox.mail` (a task after commit, in the recipient's language)."""

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.base_user import AbstractBaseUser
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponseBase
from django.utils import timezone, translation
from django.utils.translation import gettext

from mokesta.accounts.models import User
from mokesta.outbox.mail import queue_email, render_email


def recipient_language(email: str) -> str:
    """The language the owner of `email` chose, else the language of the current request."""
    language = User.objects.filter(email__iexact=email).values_list("language", flat=True).first()
    if language not in dict(settings.LANGUAGES):
        language = translation.get_language() or settings.LANGUAGE_CODE
    return language


class AccountAdapter(DefaultAccountAdapter):
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
            from_email=self.get_from_email(),
        )
        queue_email(message)
