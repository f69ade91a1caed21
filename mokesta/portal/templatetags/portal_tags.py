from django import template
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from mokesta.billing.models import Invoice
from mokesta.billing.payment_qr import payment_qr_svg
from mokesta.utility.models import Utility

register = template.Library()


@register.filter
def payment_qr(invoice: Invoice, utility: Utility | None = None) -> SafeString:
    """The invoice's EPC payment QR code (the PDF's payload) as inline SVG; `utility` from the
    page's context saves a cache lookup (a database query with the database cache) per code."""
    return payment_qr_svg(
        invoice,
        utility or Utility.current(),
        label=_("Payment QR code of invoice %(number)s") % {"number": invoice.number},
    )


class CaptureNode(template.Node):
    def __init__(self, nodelist: template.NodeList, name: str):
        self.nodelist, self.name = nodelist, name

    def render(self, context: template.Context) -> str:
        # Set in the current scope (used within the same {% with %}); already escaped markup.
        context[self.name] = mark_safe(self.nodelist.render(context))  # noqa: S308
        return ""


@register.tag
def capture(parser: template.base.Parser, token: template.base.Token) -> CaptureNode:
    """`{% capture name %}…{% endcapture %}` renders its body once into `name`: the menu is
    shown twice (folded on a phone, wide on a screen) but built once per page."""
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError("usage: {% capture name %}…{% endcapture %}")
    nodelist = parser.parse(("endcapture",))
    parser.delete_first_token()
    return CaptureNode(nodelist, bits[1])


_menus: dict[tuple, SafeString] = {}


@register.simple_tag(takes_context=True)
def menu_links(context: template.Context) -> SafeString:
    """The menu's links (portal/nav.html): the same on every page for a language and a kind of
    visitor (logged in or not, with a contract or not), so each process renders each once."""
    user = context.get("user")
    authenticated = bool(user is not None and user.is_authenticated)
    has_contracts = bool(context.get("has_contracts"))
    key = (get_language(), get_script_prefix(), settings.ROOT_URLCONF, authenticated, has_contracts)
    links = _menus.get(key)
    if links is None:
        links = _menus[key] = mark_safe(  # noqa: S308 (a rendered template)
            render_to_string(
                "portal/nav.html",
                {"authenticated": authenticated, "has_contracts": has_contracts},
            )
        )
    return links


@register.simple_tag(takes_context=True)
def user_has_contracts(context: template.Context) -> bool:
    """Whether the visitor has a linked contract (the menu shows more then): the view's
    `has_contracts` when it knows (a page of one of the user's contracts), else one query."""
    known = context.get("has_contracts")
    if isinstance(known, bool):
        return known
    user = context.get("user")
    return bool(user is not None and user.is_authenticated and user.contract_accesses.exists())
