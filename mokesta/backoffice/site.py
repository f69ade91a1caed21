"""The back office: Django's admin, in Lithuanian, behind a TOTP second factor for staff."""

import re
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import quote

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.admin import AdminSite, ModelAdmin
from django.contrib.admin.options import TO_FIELD_VAR
from django.contrib.admin.utils import NotRelationField, get_fields_from_path, unquote
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.db.models.constants import LOOKUP_SEP
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import redirect
from django.urls import URLPattern, URLResolver, re_path, reverse
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _
from django_otp import devices_for_user
from django_otp.admin import OTPAdminAuthenticationForm, OTPAdminSite
from django_otp.forms import OTPAuthenticationFormMixin
from django_otp.models import Device

from mokesta.accounts.adapter import login_limits

# Django's admin titles put the model's name into a Lithuanian sentence where it would need
# another case („Pasirinkti sąskaita peržiūrai"); this app's catalogue (read before Django's)
# translates them with the name after a colon, where the nominative is right.
ADMIN_TITLES = (
    gettext_noop("Select %s to view"),
    gettext_noop("Select %s to change"),
    gettext_noop("Select %s"),
    gettext_noop("Add %s"),
    gettext_noop("Change %s"),
    gettext_noop("View %s"),
    # Django's own strings its Lithuanian catalogue lacks.
    gettext_noop("Show counts"),
    gettext_noop("Hide counts"),
    gettext_noop("Skip to main content"),
    gettext_noop("Start typing to filter…"),
    gettext_noop("Toggle theme (current theme: auto)"),
    gettext_noop("Toggle theme (current theme: light)"),
    gettext_noop("Toggle theme (current theme: dark)"),
)


class BackofficeLoginForm(OTPAdminAuthenticationForm):
    """E-mail, password and the 6-digit code from the staff member's authenticator app."""

    otp_token = forms.CharField(
        label=_("Authenticator code"),
        required=False,
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
    otp_error_messages = dict(
        OTPAuthenticationFormMixin.otp_error_messages,
        token_required=_("Enter the code from your authenticator app."),
        invalid_token=_("The code is wrong or expired. Enter the current code."),
        device_required=_("You have no authenticator device. Ask an administrator to add one."),
    )

    # One answer for every refusal: a wrong password, a wrong, missing or expired code, no
    # device, an inactive account. A separate "wrong code" message would tell a guesser that the
    # password was right. The work is the same either way (the password is always hashed).
    refused_message = _("Enter a correct e-mail, password and authenticator code.")

    def clean(self) -> dict[str, object]:
        # Failed staff logins count against the customer login's limits (per e-mail and address,
        # and the per-e-mail ceiling): a password and a 6-digit code are guessable.
        limits = login_limits(self.request, str(self.data.get("username", "")))
        if not all(limit.allows(self.request) for limit in limits):
            raise forms.ValidationError(
                _("Too many failed login attempts. Try again in a few minutes."),
                code="too_many_attempts",
            )
        try:
            return super().clean()
        except forms.ValidationError:
            for limit in limits:
                limit.hit(self.request)
            raise forms.ValidationError(self.refused_message, code="invalid_login") from None

    def _update_form(self, user: object) -> None:
        # django-otp fills the password back in once it was right, so that only the code has to
        # be typed again: that tells a guesser the password. Staff type both again.
        return

    def clean_otp(self, user: object) -> None:
        off = not settings.ADMIN_REQUIRE_2FA
        if user is not None and off and not any(devices_for_user(user)):
            return  # two-factor login is switched off and this user has not enrolled
        super().clean_otp(user)

    def _chosen_device(self, user: object) -> Device | None:
        # Staff have one authenticator as a rule: use it without asking them to pick it.
        return super()._chosen_device(user) or next(iter(devices_for_user(user)), None)


class BackofficeSite(OTPAdminSite):
    site_header = _("MOKESTA back office")
    site_title = _("MOKESTA back office")
    index_title = _("Back office")
    login_form = BackofficeLoginForm
    login_template = "backoffice/login.html"

    def has_permission(self, request: HttpRequest) -> bool:
        if settings.ADMIN_REQUIRE_2FA:
            return super().has_permission(request)  # active staff with a verified device
        return AdminSite.has_permission(self, request)

    def admin_view(self, view: Callable, cacheable: bool = False) -> Callable:
        # Permission first (a visitor is sent to the login), then the URL's own input.
        return super().admin_view(checked_input(view), cacheable)

    def get_urls(self) -> list[URLResolver | URLPattern]:
        # Statement imports and bank transactions were the payments app's until issue 17:
        # staff's bookmarks of /admin/payments/statementimport/… lead to /admin/bank/….
        moved = re_path(
            r"^payments/(?P<model>statementimport|banktransaction)/(?P<rest>.*)$",
            moved_to_bank,
        )
        return [moved, *super().get_urls()]


def moved_to_bank(request: HttpRequest, model: str, rest: str) -> HttpResponse:
    query = request.META.get("QUERY_STRING", "")
    # The rest of the path as it came (decoded by the resolver), quoted again for the header.
    target = f"{reverse('admin:index')}bank/{model}/{quote(rest)}" + (f"?{query}" if query else "")
    return redirect(target, permanent=True)


# Years a date filter of a list may ask for. Django turns a year at the calendar's ends into a
# server error (its drill-down asks for the year after 9999; year 1 in Vilnius time is before
# the first UTC date); a clerk never needs one outside these.
FILTER_YEARS = (1900, 2999)
# Lookups whose value is not a date or a year.
NOT_A_YEAR = {"month", "day", "week_day", "iso_week_day", "week", "quarter", "isnull"}


def checked_input(view: Callable) -> Callable:
    """A model admin's page with its URL checked before the view reads it: an object id that
    cannot be the model's key is a 404 (never a server error in a view that reads the id itself;
    a well-formed id of no object keeps Django's answer, the index with „… neegzistuoja"), and a
    list's date filter outside FILTER_YEARS is dropped with a message."""
    model_admin = getattr(view, "__self__", None)
    if not isinstance(model_admin, ModelAdmin):
        return view

    @wraps(view)
    def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        object_id = kwargs.get("object_id")
        if object_id is not None and TO_FIELD_VAR not in request.GET:
            try:
                model_admin.model._meta.pk.to_python(unquote(object_id))
            except (ValidationError, ValueError, TypeError):
                raise Http404 from None
        if view.__name__ == "changelist_view":
            odd = dates_out_of_range(model_admin.model, request.GET)
            if odd:
                messages.error(
                    request,
                    gettext("A date filter's year must be from %(first)s to %(last)s.")
                    % {"first": FILTER_YEARS[0], "last": FILTER_YEARS[1]},
                )
                query = request.GET.copy()
                for key in odd:
                    del query[key]
                return HttpResponseRedirect(f"{request.path}?{query.urlencode()}")
        return view(request, *args, **kwargs)

    return checked


def dates_out_of_range(model: type[models.Model], query: QueryDict) -> list[str]:
    """The query's keys that filter a date or time field by a year outside FILTER_YEARS."""
    odd = []
    for key, values in query.lists():
        parts = key.split(LOOKUP_SEP)
        # "period", "period__gte", "meter__installed_on__year": the field, then maybe a lookup.
        for cut in (len(parts), len(parts) - 1):
            try:
                field = get_fields_from_path(model, LOOKUP_SEP.join(parts[:cut]))[-1]
            except (FieldDoesNotExist, NotRelationField):
                continue
            lookup = parts[cut] if cut < len(parts) else "exact"
            if isinstance(field, models.DateField) and lookup not in NOT_A_YEAR:
                years = [re.match(r"\s*(\d+)", value) for value in values]
                if any(y and not FILTER_YEARS[0] <= int(y[1]) <= FILTER_YEARS[1] for y in years):
                    odd.append(key)
            break
    return odd
