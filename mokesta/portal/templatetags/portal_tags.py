from collections.abc import Callable
from functools import partial
from typing import Any

from django import template
from django.conf import settings
from django.forms import Form
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.urls import get_script_prefix, reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from mokesta.billing.models import Invoice
from mokesta.billing.payment_qr import payment_qr_svg
from mokesta.customers.access import has_contracts
from mokesta.utility.models import Utility

register = template.Library()


# Fragments that are the same for every visitor who sees them, rendered once per process: an
# issued invoice's payment details, an empty form's fields. Keyed by everything they show.
_fragments: dict[tuple, SafeString] = {}
MAX_FRAGMENTS = 2000


def fragment(key: tuple, render: Callable[[], str]) -> SafeString:
    html = _fragments.get(key)
    if html is None:
        if len(_fragments) >= MAX_FRAGMENTS:
            _fragments.clear()
        html = _fragments[key] = mark_safe(render())  # noqa: S308 (a rendered template)
    return html


def payment_details_html(invoice: Any, utility: Utility, *, nested: bool = False) -> SafeString:
    """„Mokėjimo rekvizitai" of `invoice` (portal/payment_details.html; its QR code takes the
    longest): an issued invoice never changes, so each is rendered once per language."""
    shown = (
        *(invoice.pk, invoice.number, invoice.payment_code, invoice.payer_code),
        *(invoice.amount_due, invoice.due_date, nested),
        *(utility.name, utility.payee_code, utility.iban, utility.bank_name),
    )
    return fragment(
        ("payment_details", get_language(), *shown),
        lambda: render_to_string(
            "portal/payment_details.html",
            {"invoice": invoice, "utility": utility, "nested": nested},
        ),
    )


@register.simple_tag
def form_fields(form: Form) -> SafeString:
    """The labels and inputs of `form` (portal/form_fields.html). An empty form's are the same
    for everyone, so each process renders them once per language; a filled one each time."""
    render = partial(render_to_string, "portal/form_fields.html", {"form": form})
    if form.is_bound or form.initial:
        return mark_safe(render())  # noqa: S308 (a rendered template)
    return fragment(("form_fields", get_language(), type(form), form.prefix), render)


@register.filter
def payment_qr(invoice: Invoice, utility: Utility | None = None) -> SafeString:
    """The invoice's EPC payment QR code (the PDF's payload) as inline SVG (used inside
    payment_details_html(), which keeps it rendered)."""
    return payment_qr_svg(
        invoice,
        utility or Utility.current(),
        label=_("Payment QR code of invoice %(number)s") % {"number": invoice.number},
    )


# Where the user box goes in the header rendered once (a character no template writes).
USER_BOX = "\x00"


@register.simple_tag(takes_context=True)
def site_header(context: template.Context) -> SafeString:
    """The header with the menu (portal/header.html): the same on every page for a language, a
    kind of visitor (logged in or not, with a contract or not) and the utility's name, so each
    process renders each once; only the user box is the visitor's own."""
    user = context.get("user")
    authenticated = bool(user is not None and user.is_authenticated)
    has_contracts = user_has_contracts(context)
    short_name = context["utility"].short_name
    key = (get_script_prefix(), settings.ROOT_URLCONF, authenticated, has_contracts, short_name)
    header = fragment(
        ("header", get_language(), *key),
        lambda: render_to_string(
            "portal/header.html",
            {
                "authenticated": authenticated,
                "has_contracts": has_contracts,
                "utility": {"short_name": short_name},
                "user_box": USER_BOX,
            },
        ),
    )
    return mark_safe(header.replace(USER_BOX, user_box(context)))  # noqa: S308 (both markup)


@register.simple_tag(takes_context=True)
def site_footer(context: template.Context) -> SafeString:
    """The footer (portal/footer.html), once per process for a language and utility details."""
    utility = context["utility"]
    shown = (utility.name, utility.address, utility.phone, utility.email)
    return fragment(
        ("footer", get_language(), get_script_prefix(), settings.ROOT_URLCONF, *shown),
        lambda: render_to_string("portal/footer.html", {"utility": utility}),
    )


def user_has_contracts(context: template.Context) -> bool:
    """Whether the visitor has a linked contract (the menu shows more then): the view's
    `has_contracts` when it knows (a page of one of the user's contracts), else one query."""
    known = context.get("has_contracts")
    if isinstance(known, bool):
        return known
    user = context.get("user")
    return bool(user is not None and user.is_authenticated and has_contracts(user))


def user_box(context: template.Context) -> SafeString:
    """The user's name, „Atsijungti" and the language switch, shown in both menus: built in
    Python once per page (as a template include it was a fifth of the page chrome's time)."""
    request = context["request"]
    csrf = format_html(
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}">', get_token(request)
    )
    user = context.get("user")
    logout = ""
    if user is not None and user.is_authenticated:
        logout = format_html(
            '<span class="greeting">{}</span>\n'
            '<form method="post" action="{}" class="inline">{}'
            '<button type="submit">{}</button></form>\n',
            user.first_name,
            reverse("account_logout"),
            csrf,
            _("Log out"),
        )
    current = get_language()
    buttons = (
        format_html(
            '<button type="submit" name="language" value="{}" lang="{}" aria-label="{}">{}'
            "</button>",
            code,
            code,
            str(name),  # translated lazily in settings
            code.upper(),
        )
        for code, name in settings.LANGUAGES
        if code != current
    )
    return format_html(
        '<div class="user-box">\n{}<form method="post" action="{}" class="inline lang">{}'
        '<input type="hidden" name="next" value="{}">{}</form>\n</div>',
        logout,
        reverse("set_language"),
        csrf,
        request.get_full_path(),
        mark_safe("".join(buttons)),  # noqa: S308 (each one escaped by format_html)
    )
