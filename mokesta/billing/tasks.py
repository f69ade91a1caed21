"""Background tasks of the billing back office.

A billing run started in the back office is one `run_billing` task that plans it (closes the
period, lists the contracts) and enqueues a `bill_run_chunk` task per chunk of
BILLING_CHUNK_SIZE contracts, so every task worker takes chunks. Each chunk is one transaction
that takes the invoice sequence's lock and skips contracts billed meanwhile: a worker killed in
the middle of one leaves nothing of it (the database rolls it back, numbers included), and
running the period again bills exactly the contracts left (README: "Billing on the workers")."""

from decimal import Decimal

from django.conf import settings
from django.db.models import F
from django.utils import timezone
from django_tasks import task

from mokesta.billing.models import BillingRun
from mokesta.billing.run import bill_contracts, plan_period


def _failed(run_id: int, error: Exception) -> None:
    BillingRun.objects.filter(pk=run_id).update(
        state=BillingRun.State.FAILED, error=str(error), finished_at=timezone.now()
    )


@task()
def run_billing(run_id: int) -> int:
    """Plan a BillingRun and enqueue its chunks; returns how many. Progress is written to the
    run row by the chunks; the last one to finish marks it done."""
    run = BillingRun.objects.select_related("period").get(pk=run_id)
    try:
        plan = plan_period(month=run.period.month, chunk_size=settings.BILLING_CHUNK_SIZE)
    except Exception as error:
        _failed(run_id, error)
        raise
    total = sum(len(chunk) for chunk in plan.chunks)
    BillingRun.objects.filter(pk=run_id).update(
        state=BillingRun.State.RUNNING if total else BillingRun.State.DONE,
        contracts_total=total,
        finished_at=None if total else timezone.now(),
    )
    averages = {category: str(value) for category, value in plan.averages.items()}
    for chunk in plan.chunks:
        bill_run_chunk.enqueue(run_id, chunk, averages)
    return len(plan.chunks)


@task()
def bill_run_chunk(run_id: int, contract_ids: list[int], averages: dict[str, str]) -> int:
    """Bill one chunk of a run (on whichever worker takes it); returns the invoices issued."""
    run = BillingRun.objects.select_related("period").get(pk=run_id)
    try:
        issued = bill_contracts(
            month=run.period.month,
            contract_ids=contract_ids,
            averages={category: Decimal(value) for category, value in averages.items()},
        )
    except Exception as error:
        _failed(run_id, error)
        raise
    BillingRun.objects.filter(pk=run_id).update(
        contracts_done=F("contracts_done") + len(contract_ids),
        invoices_issued=F("invoices_issued") + issued,
    )
    BillingRun.objects.filter(
        pk=run_id, state=BillingRun.State.RUNNING, contracts_done__gte=F("contracts_total")
    ).update(state=BillingRun.State.DONE, finished_at=timezone.now())
    return issued
