"""Staff members in the two groups, and a logged-in admin client that passed the second factor
(shared with other apps' tests from mokesta/testing/staff.py); every test starts with a clean
rate-limit cache."""

from mokesta.testing.staff import (  # noqa: F401
    accountant,
    admin_client,
    clerk,
    fresh_rate_limits,
)
