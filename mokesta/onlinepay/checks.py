"""System checks: the demo provider never runs in production, and the real one is configured."""

from django.conf import settings
from django.core.checks import CheckMessage, Error, register

from mokesta.onlinepay import paysera

PROVIDERS = {"", "demo", "paysera"}


@register()
def payment_provider(**kwargs: object) -> list[CheckMessage]:
    provider = settings.PAYMENT_PROVIDER
    if provider not in PROVIDERS:
        return [
            Error(
                f"PAYMENT_PROVIDER={provider!r} is unknown: use 'paysera', 'demo' or ''.",
                id="onlinepay.E001",
            )
        ]
    if provider == "demo" and not settings.DEBUG:
        return [
            Error(
                "PAYMENT_PROVIDER=demo confirms payments that nobody made; it is only for "
                "development (DEBUG=1). Configure 'paysera' or leave it empty.",
                id="onlinepay.E002",
            )
        ]
    if provider != "paysera":
        return []
    errors: list[CheckMessage] = []
    if not (settings.PAYSERA_PROJECT_ID.isdigit() and settings.PAYSERA_PASSWORD):
        errors.append(
            Error(
                "PAYMENT_PROVIDER=paysera needs PAYSERA_PROJECT_ID (a number) and "
                "PAYSERA_PASSWORD (the project's sign password).",
                id="onlinepay.E003",
            )
        )
    if settings.PAYSERA_PUBLIC_KEY:
        try:
            paysera.load_public_key(settings.PAYSERA_PUBLIC_KEY)
        except ValueError as exc:
            errors.append(Error(str(exc), id="onlinepay.E004"))
    if not settings.PAYSERA_PAY_URL.startswith("https://") and not settings.DEBUG:
        errors.append(Error("PAYSERA_PAY_URL must be an https:// URL.", id="onlinepay.E005"))
    return errors
