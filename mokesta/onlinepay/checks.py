"""The demo provider never runs in production (refused at start-up), and the real one is
configured (system checks)."""

from django.conf import settings
from django.core.checks import CheckMessage, Error, register
from django.core.exceptions import ImproperlyConfigured

from mokesta.onlinepay import paysera

PROVIDERS = {"", "demo", "paysera"}
DEMO_IN_PRODUCTION = (
    "PAYMENT_PROVIDER=demo confirms payments that nobody made; it is only for "
    "development (DEBUG=1). Configure 'paysera' or leave it empty."
)


def demo_allowed() -> bool:
    """The demo provider runs in development and under the tests, nowhere else."""
    return bool(settings.DEBUG or getattr(settings, "TESTING", False))


def refuse_demo_outside_debug() -> None:
    """Called when the app loads (every process: gunicorn, workers, manage.py): a site that
    would book payments nobody made does not start."""
    if settings.PAYMENT_PROVIDER == "demo" and not demo_allowed():
        raise ImproperlyConfigured(DEMO_IN_PRODUCTION)


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
        return [Error(DEMO_IN_PRODUCTION, id="onlinepay.E002")]
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
