"""The lock on a closed period's readings, enforced wherever a reading is saved or deleted
(declarations, the back office), so no code path can forget it. The billing run writes its
estimates with bulk_create, which sends no signals."""

import datetime as dt
from typing import Any

from mokesta.billing.periods import ensure_month_open
from mokesta.metering.models import Reading


def as_date(value: dt.date | str) -> dt.date:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def guard_reading_save(sender: type[Reading], instance: Reading, **kwargs: Any) -> None:
    # The meter too: a reading reopened by a credit note may be corrected (never moved).
    ensure_month_open(as_date(instance.period), meter_id=instance.meter_id)
    if instance.pk and not kwargs.get("raw"):
        old = Reading.objects.filter(pk=instance.pk).values_list("period", flat=True).first()
        if old is not None and old != as_date(instance.period):
            ensure_month_open(old)


def guard_reading_delete(sender: type[Reading], instance: Reading, **kwargs: Any) -> None:
    ensure_month_open(as_date(instance.period), meter_id=instance.meter_id)
