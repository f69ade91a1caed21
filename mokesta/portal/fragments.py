"""Fragments of the customer pages rendered once per process and kept: the owner of every such
cache. Each is a template rendered with a few values, kept in a bounded LRU under a key that
holds every value it shows, so that a change of any of them is a new key (the old entry ages
out): nothing has to be cleared by hand.

- header (portal/header.html): the URL prefix and conf, logged in or not, has a contract or not,
  the utility's short name; changes when staff rename the utility. The user box is put in per
  visitor.
- footer (portal/footer.html): the URL prefix and conf, the utility's name, address, phone and
  e-mail; changes when staff edit them.
- payment details with the QR code (portal/payment_details.html): the invoice's pk, number,
  codes, amount due and due date, nested or not, the utility's name, payee code, IBAN and bank;
  an issued invoice never changes, so only when staff edit the utility's details.

The utility's details come from Utility.current(), which each process keeps 30 s: an edit shows
everywhere within that time. No form is kept: a form carries its visitor's values and errors.

This module, tables.py and metering/chart.py are the only places allowed to mark a string safe
(ruff's S308 and the banned API list in pyproject.toml)."""

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from mokesta.billing.payment_qr import payment_qr
from mokesta.utility.models import Utility


class Lru:
    """Rendered fragments under hashable keys, the least recently used dropped beyond `size`."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[Hashable, SafeString] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, render: Callable[[], str]) -> SafeString:
        with self._lock:
            html = self._items.get(key)
            if html is not None:
                self._items.move_to_end(key)
                return html
        # A rendered template (autoescaped) or format_html's output: already safe.
        html = mark_safe(render())  # noqa: S308
        with self._lock:
            self._items[key] = html
            if len(self._items) > self.size:
                self._items.popitem(last=False)
        return html

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


# A few per language and kind of visitor: small.
CHROME = Lru(64)
# One per invoice shown recently (a dashboard shows each contract's latest): the QR code takes
# milliseconds to draw, the entry a few kilobytes.
PAYMENT_DETAILS = Lru(2000)

# Where the user box goes in the header kept (a character no template writes).
USER_BOX = "\x00"


def header(*, authenticated: bool, has_contracts: bool, utility: Utility, user_box: str) -> str:
    """The header with the menu; only the user box (`user_box`, already markup) is the visitor's
    own, put in where the kept header has USER_BOX."""
    short_name = utility.short_name
    key = (
        *("header", get_language(), get_script_prefix(), settings.ROOT_URLCONF),
        *(authenticated, has_contracts, short_name),
    )
    kept = CHROME.get(
        key,
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
    return mark_safe(kept.replace(USER_BOX, user_box))  # noqa: S308 (both markup)


def footer(utility: Utility) -> SafeString:
    shown = (utility.name, utility.address, utility.phone, utility.email)
    key = ("footer", get_language(), get_script_prefix(), settings.ROOT_URLCONF, *shown)
    return CHROME.get(key, lambda: render_to_string("portal/footer.html", {"utility": utility}))


def payment_details(invoice: Any, utility: Utility, *, nested: bool = False) -> SafeString:
    """„Mokėjimo rekvizitai" of `invoice` (an Invoice or a query row with its pk, number,
    payment_code, payer_code, amount_due and due_date), QR code included: an issued invoice
    never changes, so each is rendered once per language, utility details and place."""
    shown = (
        *(invoice.pk, invoice.number, invoice.payment_code, invoice.payer_code),
        *(invoice.amount_due, invoice.due_date, nested),
        *(utility.name, utility.payee_code, utility.iban, utility.bank_name),
    )
    return PAYMENT_DETAILS.get(
        ("payment_details", get_language(), *shown),
        lambda: render_to_string(
            "portal/payment_details.html",
            {
                "invoice": invoice,
                "utility": utility,
                "nested": nested,
                "qr_code": payment_qr_svg(invoice, utility),
            },
        ),
    )


def payment_qr_svg(invoice: Any, utility: Utility) -> SafeString:
    """The invoice's EPC payment QR code (the PDF's payload) as inline SVG, drawn on the server
    (no script, no style attribute) and scaled by CSS through its viewBox."""
    svg = payment_qr(invoice, utility).svg_inline(
        scale=1, border=2, omitsize=True, light="#fff", svgclass="qr-code", lineclass=None
    )
    label = _("Payment QR code of invoice %(number)s") % {"number": invoice.number}
    named = format_html('<svg role="img" aria-label="{}" ', label)
    # segno's output is markup it built from the QR matrix; only the label is ours, escaped.
    return mark_safe(svg.replace("<svg ", named, 1))  # noqa: S308
