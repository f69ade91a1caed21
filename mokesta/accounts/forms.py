"""The login and registration forms of the user guide, on top of django-allauth's."""

from collections.abc import Callable
from typing import Any

from allauth.account import fields as allauth_fields
from allauth.account import forms as allauth_forms
from allauth.account.adapter import get_adapter
from allauth.core.exceptions import ImmediateHttpResponse
from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.hashers import make_password
from django.core.validators import RegexValidator
from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise
from phonenumber_field.formfields import PhoneNumberField

from mokesta.accounts.adapter import email_taken
from mokesta.accounts.identity import email_key, normalise_email
from mokesta.accounts.limits import Limit, too_many_requests
from mokesta.accounts.models import User
from mokesta.accounts.passwords import PasswordPolicyValidator

# Letters of any alphabet (so Lithuanian ą, č, ę, ė, į, š, ų, ū, ž), joined by single spaces,
# hyphens or apostrophes: "Ona", "Anna-Marija", "O'Brien", "Jonas Petras".
_NAME = r"[^\W\d_]+(?:[ '’-][^\W\d_]+)*"
name_validator = RegexValidator(
    rf"^{_NAME}\Z",
    _("Use letters only; spaces, hyphens and apostrophes may join them."),
    code="invalid_name",
)


def name_field(name: str, label: StrOrPromise, autocomplete: str) -> forms.CharField:
    """A first or last name, as the registration and the profile ask for it."""
    field = User._meta.get_field(name)
    assert isinstance(field, models.CharField), name
    return forms.CharField(
        label=label,
        max_length=field.max_length,
        validators=[name_validator],
        widget=forms.TextInput(attrs={"autocomplete": autocomplete}),
    )


def phone_field() -> PhoneNumberField:
    """An optional phone number, Lithuanian unless written with a country code."""
    return PhoneNumberField(
        label=_("Phone number"),
        required=False,
        region="LT",
        error_messages={
            "invalid": _("Enter a valid phone number, e.g. +370 612 34567 or 8 612 34567.")
        },
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
    )


def require_phone_for_sms(form: forms.BaseForm) -> None:
    data = form.cleaned_data
    if data.get("sms_opt_in") and not data.get("phone") and "phone" not in form.errors:
        form.add_error("phone", _("Enter a phone number to receive SMS messages."))


def label_new_password_fields(form: forms.Form, password_label: StrOrPromise) -> None:
    """The guide's labels, and the policy in one line instead of each validator's help text."""
    form.fields["password1"].label = password_label
    form.fields["password1"].help_text = PasswordPolicyValidator().get_help_text()
    form.fields["password2"].label = _("Repeat the password")
    for name in ("password1", "password2"):
        form.fields[name].widget.attrs.pop("placeholder", None)


class NormalisedEmailField(allauth_fields.EmailField):
    """allauth's e-mail field reading the address through the identity rule (accounts/identity.py)
    before Django's format check, so that "ｊonas@gmail.test" is "jonas@gmail.test" at login, at
    registration and at the reset alike, rather than refused in one place and known in another.
    A lookup (login, reset) reads the identity key; a registration the form it stores, which
    the adapter then checks for look-alikes."""

    def __init__(self, *args: Any, normalise: Callable[[str], str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.normalise = normalise

    def to_python(self, value: object) -> str:
        return self.normalise(super().to_python(value))


def read_email_normalised(form: forms.Form, name: str, normalise: Callable[[str], str]) -> None:
    field = form.fields[name]
    form.fields[name] = NormalisedEmailField(
        label=field.label, required=field.required, widget=field.widget, normalise=normalise
    )


class LoginForm(allauth_forms.LoginForm):
    """„Prisijunkite prie savitarnos": the e-mail is the login name."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        read_email_normalised(self, "login", email_key)
        self.fields["login"].label = _("Login name (e-mail)")
        self.fields["login"].widget.attrs.pop("placeholder", None)
        self.fields["password"].label = _("Password")
        self.fields["password"].widget.attrs.pop("placeholder", None)
        self.fields["password"].help_text = ""


class SignupForm(allauth_forms.SignupForm):
    """„Naujo vartotojo registracija", field for field as in the user guide."""

    first_name = name_field("first_name", _("First name"), "given-name")
    last_name = name_field("last_name", _("Last name"), "family-name")
    phone = phone_field()
    invoices_by_email = forms.BooleanField(label=_("Receive invoices by e-mail"), required=False)
    sms_opt_in = forms.BooleanField(label=_("Accept SMS messages"), required=False)
    accept_rules = forms.BooleanField(
        label=_("I have read and agree to the site rules"),
        error_messages={"required": _("You must agree to the site rules to register.")},
    )

    field_order = [
        "first_name",
        "last_name",
        "email",
        "password1",
        "password2",
        "phone",
        "invoices_by_email",
        "sms_opt_in",
        "accept_rules",
    ]

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        read_email_normalised(self, "email", normalise_email)
        self.fields["email"].label = _("E-mail address")
        self.fields["email"].widget.attrs.pop("placeholder", None)
        label_new_password_fields(self, _("Password"))

    def validate_unique_email(self, value: str) -> str:
        # allauth compares the address as it is written; the identity rule compares keys. A
        # taken address goes on as allauth's enumeration prevention does (this project:
        # ACCOUNT_PREVENT_ENUMERATION with mandatory verification): the same page as a new
        # registration, and the owner is mailed instead of an account being made.
        self.account_already_exists = email_taken(value)
        return value

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        # allauth checks similarity against the e-mail only; the names count as well.
        password = data.get("password1")
        if password and "password1" not in self.errors:
            dummy = User(
                email=data.get("email") or "",
                first_name=data.get("first_name") or "",
                last_name=data.get("last_name") or "",
            )
            try:
                password_validation.validate_password(password, dummy)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        require_phone_for_sms(self)
        return data

    def try_save(self, request: HttpRequest) -> tuple[User | None, object]:
        # Only a valid form gets here: registrations are limited per address and per e-mail
        # when they succeed (an existing address counts too: it mails its owner), never for
        # the invalid tries of a newcomer fixing the form.
        limit = Limit("signup_success", key=email_key(str(self.cleaned_data["email"])))
        if not limit.hit(request):
            raise ImmediateHttpResponse(
                too_many_requests(request, reason="signup", retry_after=limit.retry_after(request))
            )
        if self.account_already_exists:
            # A new registration spends most of its time hashing the password; do the same
            # work here so the response time does not tell that the address is registered.
            make_password(self.cleaned_data["password1"])
        return super().try_save(request)


class ResetPasswordKeyForm(allauth_forms.ResetPasswordKeyForm):
    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        label_new_password_fields(self, _("New password"))


class ChangePasswordForm(allauth_forms.ChangePasswordForm):
    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["oldpassword"].widget.attrs.pop("placeholder", None)
        label_new_password_fields(self, _("New password"))


class ResetPasswordForm(allauth_forms.ResetPasswordForm):
    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        read_email_normalised(self, "email", email_key)
        self.fields["email"].label = _("E-mail address")
        self.fields["email"].widget.attrs.pop("placeholder", None)

    def clean_email(self) -> str:
        # The account is found by the identity rule; the link is mailed to the address as it
        # is stored (never to a look-alike of it), and allauth's per-e-mail limit counts that.
        email = get_adapter().clean_email(self.cleaned_data["email"])
        self.users = [user for user in User.objects.by_email(email) if user.is_active]
        return self.users[0].email if self.users else email
