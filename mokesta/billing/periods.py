"""Billing periods: closing a month locks its readings."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mokesta.billing.models import BillingPeriod, Invoice
from mokesta.lib.dates import local_today, month_end, month_start


class PeriodNotEnded(ValidationError):
    pass


def period_for(month: dt.date) -> BillingPeriod:
    period, _created = BillingPeriod.objects.get_or_create(month=month_start(month))
    return period


def close_period(*, month: dt.date) -> BillingPeriod:
    """Close `month` (idempotent). Refused while the month is still running."""
    month = month_start(month)
    if month_end(month) >= local_today():
        raise PeriodNotEnded(
            _("The month %(month)s has not ended yet; it can be closed from the next month on.")
            % {"month": f"{month:%Y-%m}"}
        )
    with transaction.atomic():
        period_for(month)
        period = BillingPeriod.objects.select_for_update().get(month=month)
        if not period.is_closed:
            period.state = BillingPeriod.State.CLOSED
            period.closed_at = timezone.now()
            period.save(update_fields=["state", "closed_at"])
    return period


def reopened_for_correction(meter_id: int, month: dt.date) -> bool:
    """A closed month's reading of this meter may be corrected: its contract's invoice for the
    month was credited and the month is not billed again yet, nor any later month (whose
    consumption starts from this reading)."""
    invoices = Invoice.objects.filter(
        kind=Invoice.Kind.INVOICE, contract__service_points__meters=meter_id
    )
    return (
        invoices.filter(period__month=month, credited=True).exists()
        and not invoices.filter(period__month__gte=month, credited=False).exists()
    )


def ensure_month_open(month: dt.date, *, meter_id: int | None = None) -> None:
    """Refuse a change to readings of a closed month. Call it inside the transaction that
    writes the reading: it then locks the period row, so a close cannot slip in between.
    With `meter_id` (staff entries, the save signal), a reading reopened by a credit note passes."""
    month = month_start(month)
    periods = BillingPeriod.objects.all()
    if connection.in_atomic_block:
        periods = periods.select_for_update()
    closed = periods.filter(month=month, state=BillingPeriod.State.CLOSED).exists()
    if closed and not (meter_id is not None and reopened_for_correction(meter_id, month)):
        raise ValidationError(
            _("The billing period %(month)s is closed: its readings can no longer be changed."),
            code="period_closed",
            params={"month": f"{month:%Y-%m}"},
        )
