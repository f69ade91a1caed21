"""System checks for running in production (`manage.py check --deploy`)."""

from typing import Any

from django.conf import settings
from django.core import checks

# Caches whose counters live in one process: with several processes each counts on its own,
# multiplying every rate limit (and one restart forgets them).
PER_PROCESS_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}


@checks.register(checks.Tags.security, deploy=True)
def shared_cache(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if backend in PER_PROCESS_CACHES:
        return [
            checks.Error(
                f"The default cache ({backend.rsplit('.', 1)[-1]}) is not shared between "
                "processes, so every rate limit is multiplied by the number of processes.",
                hint="Set REDIS_URL, or leave it unset for the database cache "
                "(created by `manage.py migrate`).",
                id="mokesta.E001",
            )
        ]
    return []
