"""Background tasks of the billing back office."""

from django_tasks import task

from mokesta.billing.models import BillingRun
from mokesta.billing.run import bill_period


@task()
def run_billing(run_id: int) -> int:
    """Run the billing of a BillingRun's period; progress is written to the run row."""
    run = BillingRun.objects.select_related("period").get(pk=run_id)
    return bill_period(month=run.period.month, run=run)
