"""Rows of the long tables (invoices, payments, consumption) built in Python: the template
language costs tens of microseconds per variable, tag and {% url %}, which over a history of many
rows was most of a page's time. The markup is the one the templates wrote; the labels come from
the same msgids, so the catalogues still apply."""

from collections.abc import Callable
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.formats import date_format, get_format, localize

_patterns: dict[tuple, tuple[str, str]] = {}


def pk_url(name: str) -> Callable[[int], str]:
    """`reverse(name, args=[pk])` for many pks with one reverse per process: the path with pk 0
    is a pattern."""
    key = (name, get_script_prefix(), settings.ROOT_URLCONF, get_urlconf())
    parts = _patterns.get(key)
    if parts is None:
        head, sep, tail = reverse(name, args=[0]).rpartition("/0/")
        assert sep, f"{name}: no /<pk>/ segment"
        parts = _patterns[key] = (head, tail)
    head, tail = parts
    return lambda pk: f"{head}/{int(pk)}/{tail}"


def day(value: date | None, fmt: str = "Y-m-d") -> str:
    """What `{{ value|date:fmt }}` shows; the two all-digit formats without the formatter."""
    if value is None:
        return ""
    if fmt == "Y-m-d":
        return f"{value.year:04d}-{value.month:02d}-{value.day:02d}"
    if fmt == "Y-m":
        return f"{value.year:04d}-{value.month:02d}"
    return date_format(value, fmt)


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
