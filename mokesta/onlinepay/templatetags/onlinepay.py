from django import template

from mokesta.onlinepay import providers

register = template.Library()


@register.simple_tag
def online_payments_on() -> bool:
    """Whether a payment provider is configured (the „Apmokėti" button is shown)."""
    return providers.current() is not None
