"""The only authentication backend (settings.AUTHENTICATION_BACKENDS): Django's ModelBackend,
whose login lookup is the e-mail identity rule (UserManager.get_by_natural_key), with the
session's user read on every request through the accounts' query layer."""

from typing import Any

from django.contrib.auth import backends

from mokesta.accounts.models import User
from mokesta.accounts.queries import user_by_pk


class ModelBackend(backends.ModelBackend):
    def get_user(self, user_id: Any) -> User | None:
        user = user_by_pk(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
