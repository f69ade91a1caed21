from typing import Any

from django.apps import AppConfig
from django.core.management import call_command
from django.db.models.signals import post_migrate, pre_delete
from django.utils.translation import gettext_lazy as _


def create_cache_table(using: str = "default", **kwargs: Any) -> None:
    """The database cache's table (the rate-limit counters without Redis), made by `migrate`;
    does nothing when it exists or the cache is not the database's."""
    call_command("createcachetable", database=using, verbosity=0)


class AccountsConfig(AppConfig):
    name = "mokesta.accounts"
    label = "accounts"
    verbose_name = _("Users")  # the back office's heading for the area

    def ready(self) -> None:
        from mokesta.accounts import checks  # noqa: F401  (registers the deploy check)
        from mokesta.accounts.history import on_user_deleted

        post_migrate.connect(create_cache_table, sender=self)
        pre_delete.connect(on_user_deleted, sender="accounts.User", dispatch_uid="user-history")
