"""The back office: every app's models on the admin site, one module per area. Django imports
this package (admin autodiscovery); each module registers its models."""

from mokesta.backoffice.admin import (  # noqa: F401
    accounts,
    audit,
    authenticators,
    bank,
    billing,
    customers,
    inquiries,
    metering,
    news,
    onboarding,
    onlinepay,
    outbox,
    payments,
    postoffice,
    utility,
)
