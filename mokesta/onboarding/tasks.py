"""The admin page's import, run by a background task (Django Tasks: see TASK_BACKEND)."""

from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from mokesta.onboarding.importing import import_file
from mokesta.onboarding.models import CustomerImport

PROGRESS_KEY = "onboarding:import:{}:progress"


def progress_key(import_id: int) -> str:
    return PROGRESS_KEY.format(import_id)


def run_import(import_id: int) -> CustomerImport:
    """Check (and unless a check only, write) an uploaded file; its row keeps the result. The
    writing is one transaction, so its progress goes through the cache, which the page reads."""
    job = CustomerImport.objects.get(pk=import_id)
    job.state = CustomerImport.State.RUNNING
    job.save(update_fields=["state"])

    def progress(phase: str, done: int) -> None:
        cache.set(progress_key(import_id), (phase, done), timeout=3600)

    try:
        result = import_file(
            data=bytes(job.content),
            dry_run=job.dry_run,
            invite=job.invite,
            balance_date=job.balance_date,
            progress=progress,
        )
    except Exception:
        # The transaction rolled back: say so on the page instead of "importing" for ever.
        job.state = CustomerImport.State.FAILED
        job.problems = [[1, "", _("The import stopped with an error; nothing was imported.")]]
        job.problem_count = 1
        job.finished_at = timezone.now()
        job.save()
        raise
    job.kind = result.kind
    job.rows = result.rows
    job.counts = dict(result.counts)
    job.problems = [[p.row, p.column, p.message] for p in result.problems]
    job.problem_count = result.problem_count
    if not result.ok:
        job.state = CustomerImport.State.FAILED
    elif result.written:
        job.state = CustomerImport.State.DONE
    else:
        job.state = CustomerImport.State.CHECKED
    job.finished_at = timezone.now()
    job.save()
    cache.delete(progress_key(import_id))
    return job


@task()
def import_customers_task(import_id: int) -> str:
    return run_import(import_id).state
