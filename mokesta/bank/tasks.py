"""Background tasks of the bank statements (Django Tasks: see TASK_BACKEND in the settings)."""

from django.core.cache import cache
from django_tasks import task

from mokesta.bank.booking import run_import

PROGRESS_KEY = "bank:statement:{}:progress"


def progress_key(statement_id: int) -> str:
    return PROGRESS_KEY.format(statement_id)


@task()
def import_statement_task(statement_id: int) -> str:
    """Import a queued statement. The booking is one database transaction (a file is imported
    whole or not at all), so its progress goes through the cache, which other processes see."""

    def progress(done: int) -> None:
        cache.set(progress_key(statement_id), done, timeout=3600)

    statement = run_import(statement_id=statement_id, progress=progress)
    cache.delete(progress_key(statement_id))
    return statement.state
