"""The customer pages' tags and filters: the page chrome (header and footer, kept rendered by
portal/fragments.py), the user box, and filters that show what `{{ value|date:… }}`,
`{{ value }}` and `{% url name pk %}` show, without their per-call lookups (tables.py uses the
same functions)."""

from collections.abc import Callable
from datetime import date
from decimal import Decimal

from django import template
from django.conf import settings
from django.middleware.csrf import get_token
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.formats import date_format, get_format, localize
from django.utils.html import format_html, format_html_join
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from mokesta.customers.access import has_contracts
from mokesta.lib import names
from mokesta.lib.money import money_text
from mokesta.portal import fragments

register = template.Library()


# --- filters -------------------------------------------------------------------------------


@register.filter
def day(value: date | None, fmt: str = "Y-m-d") -> str:
    """What `{{ value|date:fmt }}` shows; the two all-digit formats without the formatter."""
    if value is None:
        return ""
    if fmt == "Y-m-d":
        return f"{value.year:04d}-{value.month:02d}-{value.day:02d}"
    if fmt == "Y-m":
        return f"{value.year:04d}-{value.month:02d}"
    return date_format(value, fmt)


@register.filter
def month(value: date | None) -> str:
    """`{{ value|date:"Y-m" }}`."""
    return day(value, "Y-m")


_patterns: dict[tuple, tuple[str, str]] = {}


def pk_url(name: str) -> Callable[[int], str]:
    """`reverse(name, args=[pk])` for many pks with one reverse per process: the path with pk 0
    is a pattern."""
    key = (name, get_script_prefix(), settings.ROOT_URLCONF, get_urlconf())
    parts = _patterns.get(key)
    if parts is None:
        head, sep, tail = reverse(name, args=[0]).rpartition("/0/")
        assert sep, f"{name}: its path has no pk segment"
        parts = _patterns[key] = (head, tail)
    head, tail = parts
    return lambda pk: f"{head}/{int(pk)}/{tail}"


@register.filter
def html_attrs(attrs: dict[str, object]) -> str:
    """What Django's django/forms/widgets/attrs.html writes — each attribute in order, True as
    its name alone, False left out — without its template loop (the portal's copy of that
    template uses this: every form field of every page goes through it)."""
    return format_html_join(
        "",
        "{}",
        (
            (format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value),)
            for name, value in attrs.items()
            if value is not False
        ),
    )


@register.filter
def eur(value: Decimal) -> str:
    """An amount as the language writes it, thousands apart: 12 105,82 (12,105.82 in English)."""
    if get_language() == "en":
        return money_text(value, decimal=".", group=",")
    return money_text(value)


@register.filter
def vocative(first_name: str) -> str:
    """The first name to address someone by: the Lithuanian vocative (lib/names.py) on a
    Lithuanian page, the name as written otherwise."""
    return names.vocative(first_name) if get_language() == "lt" else first_name


@register.filter
def url_of(pk: int, name: str) -> str:
    """`{{ pk|url_of:"billing:detail" }}` is `{% url "billing:detail" pk %}`."""
    return pk_url(name)(pk)


def numbers() -> Callable[[Decimal | int], str]:
    """What `{{ value }}` shows for a Decimal or an int in the current language (its decimal
    separator), without localize()'s per-call lookups."""
    if settings.USE_THOUSAND_SEPARATOR:
        return localize
    separator = get_format("DECIMAL_SEPARATOR")

    def number(value: Decimal | int) -> str:
        if isinstance(value, int):
            return str(value)
        return f"{value:f}".replace(".", separator)

    return number


# --- the page chrome -----------------------------------------------------------------------


@register.simple_tag(takes_context=True)
def site_header(context: template.Context) -> str:
    """The header with the menu (fragments.header): the same on every page for a language, a
    kind of visitor and the utility's name; only the user box is the visitor's own."""
    user = context.get("user")
    return fragments.header(
        authenticated=bool(user is not None and user.is_authenticated),
        has_contracts=user_has_contracts(context),
        utility=context["utility"],
        user_box=user_box(context),
    )


@register.simple_tag(takes_context=True)
def site_footer(context: template.Context) -> str:
    return fragments.footer(context["utility"])


def user_has_contracts(context: template.Context) -> bool:
    """Whether the visitor has a linked contract (the menu shows more then): the view's
    `has_contracts` when it knows (a page of one of the user's contracts), else one query."""
    known = context.get("has_contracts")
    if isinstance(known, bool):
        return known
    user = context.get("user")
    return bool(user is not None and user.is_authenticated and has_contracts(user))


def user_box(context: template.Context) -> str:
    """The user's name, „Atsijungti" and the language switch, shown in both menus: built with
    format_html once per page (as a template include it was a fifth of the page chrome's
    time)."""
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
    buttons = format_html_join(
        "",
        '<button type="submit" name="language" value="{}" lang="{}" aria-label="{}">{}</button>',
        (
            (code, code, str(name), code.upper())  # the name is translated lazily in settings
            for code, name in settings.LANGUAGES
            if code != current
        ),
    )
    return format_html(
        '<div class="user-box">\n{}<form method="post" action="{}" class="inline lang">{}'
        '<input type="hidden" name="next" value="{}">{}</form>\n</div>',
        logout,
        reverse("set_language"),
        csrf,
        request.get_full_path(),
        buttons,
    )
