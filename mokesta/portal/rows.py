"""Rows of the long tables (invoices, payments, consumption) built in Python: the template
language costs tens of microseconds per variable, tag and {% url %}, which over a history of many
rows was most of a page's time. The markup is the one the templates wrote; the labels come from
the same msgids, so the catalogues still apply."""

from collections.abc import Callable, Iterable
from datetime import date

from django.urls import reverse
from django.utils.formats import date_format, localize
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString


def pk_url(name: str) -> Callable[[int], str]:
    """`reverse(name, args=[pk])` for many pks with one reverse: the path with pk 0 is a pattern."""
    head, sep, tail = reverse(name, args=[0]).rpartition("/0/")
    assert sep, f"{name}: no /<pk>/ segment"
    return lambda pk: f"{head}/{int(pk)}/{tail}"


def day(value: date | None, fmt: str = "Y-m-d") -> str:
    """What `{{ value|date:fmt }}` shows."""
    return date_format(value, fmt) if value is not None else ""


def join(template: str, rows: Iterable[tuple]) -> SafeString:
    return format_html_join("", template, rows)


__all__ = ["day", "format_html", "join", "localize", "pk_url"]
