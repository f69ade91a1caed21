from decimal import Decimal

from django import template
from django.db.models.options import Options
from django.utils.translation import gettext

from mokesta.backoffice import declension
from mokesta.backoffice.formats import euro as format_euro

register = template.Library()


@register.filter
def euro(amount: Decimal | int | None) -> str:
    """{{ invoice.total|euro }} → „12 105,82 €"."""
    return format_euro(amount)


@register.simple_tag
def counted(opts: Options, count: int) -> str:
    """„0 nepriskirtų mokėjimų", „1 sutartis", „2 sutartys" (Django: „0 nepriskirti mokėjimai")."""
    name = declension.name_of(opts)
    if name is None:
        return f"{count} {opts.verbose_name if count == 1 else opts.verbose_name_plural}"
    return name.counted(count)


@register.simple_tag
def add_label(opts: Options) -> str:
    """„Pridėti sutartį" (Django: „Naujas sutartis")."""
    name = declension.name_of(opts)
    if name is None:
        return gettext("Add %(name)s") % {"name": opts.verbose_name}
    return declension.add_label(name)
