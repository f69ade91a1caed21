"""The back office: Django's admin, in Lithuanian, behind a TOTP second factor for staff."""

import json
import re
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import quote

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.admin import AdminSite, ModelAdmin, helpers
from django.contrib.admin import display as admin_display
from django.contrib.admin.options import TO_FIELD_VAR
from django.contrib.admin.utils import NotRelationField, get_fields_from_path, unquote
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.db.models.constants import LOOKUP_SEP
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, URLResolver, re_path, reverse
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _
from django_otp import devices_for_user
from django_otp.admin import OTPAdminAuthenticationForm, OTPAdminSite
from django_otp.forms import OTPAuthenticationFormMixin
from django_otp.models import Device

from mokesta.accounts.adapter import login_limits
from mokesta.backoffice import declension
from mokesta.backoffice.formats import contract_label, euro
from mokesta.backoffice.queues import work_queues
from mokesta.customers.models import Contract
from mokesta.lib.money import MONEY

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


class LithuanianInlineFormSet(helpers.InlineAdminFormSet):
    """An inline whose „Add another …" link names the model in the accusative."""

    def inline_formset_data(self) -> str:
        data = json.loads(super().inline_formset_data())
        name = declension.name_of(self.opts.model._meta)
        if name is not None:
            data["options"]["addText"] = declension.add_another_label(name)
        return json.dumps(data)


class LithuanianAdmin(ModelAdmin):
    """Every model admin of the site (see BackofficeSite.register): the messages after add,
    change and delete, the delete-selected action and the inlines' „Add another" link, with the
    model's name declined (declension.py). In another language, or for a model without forms,
    Django's phrases stand."""

    def message_user(
        self,
        request: HttpRequest,
        message: Any,
        level: int | str = messages.INFO,
        extra_tags: str = "",
        fail_silently: bool = False,
    ) -> None:
        # Django's own success message after a save or delete, replaced by ours.
        ours = request.__dict__.pop("lithuanian_success", None)
        if ours is not None and level == messages.SUCCESS:
            message = ours
        super().message_user(request, message, level, extra_tags, fail_silently)

    def _say(self, request: HttpRequest, phrase: Callable[[declension.Name], str]) -> None:
        name = declension.name_of(self.opts)
        if name is not None:
            request.lithuanian_success = phrase(name)  # type: ignore[attr-defined]

    def response_add(
        self, request: HttpRequest, obj: models.Model, post_url_continue: str | None = None
    ) -> HttpResponse:
        then = next((key for key in ("_continue", "_addanother") if key in request.POST), "")
        self._say(request, lambda name: declension.saved_message(name, obj, added=True, then=then))
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request: HttpRequest, obj: models.Model) -> HttpResponse:
        added = "_saveasnew" in request.POST
        then = next((key for key in ("_continue", "_addanother") if key in request.POST), "")
        self._say(request, lambda name: declension.saved_message(name, obj, added=added, then=then))
        return super().response_change(request, obj)

    def response_delete(self, request: HttpRequest, obj_display: str, obj_id: Any) -> HttpResponse:
        self._say(request, lambda name: declension.deleted_message(name, obj_display))
        return super().response_delete(request, obj_display, obj_id)

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:  # type: ignore[override]
        actions = super().get_actions(request)
        name = declension.name_of(self.opts)
        django_action = actions.get("delete_selected")
        if name is not None and django_action is not None:
            actions["delete_selected"] = (  # type: ignore[assignment]
                declined_deletion(django_action[0]),
                django_action[1],
                declension.delete_selected_label(name),
            )
        return actions

    def get_list_display(self, request: HttpRequest) -> list[Any]:  # type: ignore[override]
        # Money columns as Lithuanian staff write amounts: „12 105,82 €".
        return [
            money_column(self.model, name) or name for name in super().get_list_display(request)
        ]

    def get_inline_formsets(self, *args: Any, **kwargs: Any) -> list[helpers.InlineAdminFormSet]:
        formsets = super().get_inline_formsets(*args, **kwargs)
        for formset in formsets:
            formset.__class__ = LithuanianInlineFormSet  # the same object, one method changed
        return formsets


def money_column(model: type[models.Model], name: object) -> Callable | None:
    """A list column showing the money field `name` (a MONEY column: 13 digits, 2 places) with
    formats.euro, sortable like the field; None for anything else."""
    if not isinstance(name, str):
        return None
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    if not (
        isinstance(field, models.DecimalField)
        and (field.max_digits, field.decimal_places)
        == (MONEY["max_digits"], MONEY["decimal_places"])
    ):
        return None

    @admin_display(description=field.verbose_name, ordering=name)
    def column(obj: models.Model) -> str:
        return euro(getattr(obj, name))

    column.__name__ = name  # the column's CSS class (field-total) stays the field's
    return column


def declined_deletion(action: Callable) -> Callable:
    """The delete-selected action `action` (Django's or a model admin's own), its message
    „Ištrinta: 12 sutarčių."."""

    @wraps(action)
    def declined(
        modeladmin: ModelAdmin, request: HttpRequest, queryset: models.QuerySet
    ) -> HttpResponse | None:
        name = declension.name_of(modeladmin.opts)
        if name is not None and request.POST.get("post"):
            count = queryset.count()
            request.lithuanian_success = declension.deleted_many_message(name, count)  # type: ignore[attr-defined]
        return action(modeladmin, request, queryset)

    return declined


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

    def register(
        self,
        model_or_iterable: Any,
        admin_class: type[ModelAdmin] | None = None,
        **options: Any,
    ) -> None:
        # Every model admin speaks declined Lithuanian, ours and the third-party apps' alike.
        admin_class = admin_class or ModelAdmin
        if not issubclass(admin_class, LithuanianAdmin):
            attrs: dict[str, Any] = {}
            if isinstance(admin_class.search_help_text, str):
                # A plain-English help text (django-otp's "Search by user's …") cannot be
                # translated: the search box goes without one.
                attrs["search_help_text"] = None
            admin_class = type(admin_class.__name__, (LithuanianAdmin, admin_class), attrs)
        super().register(model_or_iterable, admin_class, **options)

    def index(self, request: HttpRequest, extra_context: dict | None = None) -> TemplateResponse:
        # The work queues with their counts above the list of models (admin/index.html).
        context = {"work_queues": work_queues(request), **(extra_context or {})}
        return super().index(request, context)

    def autocomplete_view(self, request: HttpRequest) -> HttpResponseBase:
        return LabelledAutocomplete.as_view(admin_site=self)(request)

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


class LabelledAutocomplete(AutocompleteJsonView):
    """The admin's search-as-you-type choices, with a contract told apart by its customer's name
    and address („VKU-2020-0001 — Ona Kazlauskienė, Liepų g. 3") rather than its number alone:
    assigning an unmatched payment is choosing a person, not a number."""

    def serialize_result(self, obj: models.Model, to_field_name: str) -> dict[str, str]:
        result = super().serialize_result(obj, to_field_name)
        if isinstance(obj, Contract):
            result["text"] = contract_label(obj)
        return result


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
