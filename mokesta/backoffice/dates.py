"""Dates staff type in the back office: within the years the utility's records cover, so that a
slip of the keyboard (0001-01-01, 9999-12-31) is refused next to the field instead of breaking
the pages that read the date later."""

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext as _

from mokesta.lib.dates import add_years, local_today

# No record of the utility's (contracts, meters, readings, tariffs) is older than this.
EARLIEST = dt.date(1990, 1, 1)
# How far ahead a date may be, in years: a contract's end or a tariff's last day may be planned.
FUTURE_YEARS = 10


class DateBetween:
    """A validator: EARLIEST up to today + `future_years` (0: up to today)."""

    def __init__(self, future_years: int) -> None:
        self.future_years = future_years

    def __call__(self, value: dt.date) -> None:
        latest = add_years(local_today(), self.future_years)
        if not EARLIEST <= value <= latest:
            raise ValidationError(
                _("Enter a date from %(earliest)s to %(latest)s."),
                code="date_out_of_range",
                params={"earliest": EARLIEST.isoformat(), "latest": latest.isoformat()},
            )


class BoundedDates:
    """For a ModelAdmin or an inline: every date field of its forms bounded by DateBetween,
    FUTURE_YEARS ahead unless `date_future_years` names the field with its own number."""

    date_future_years: dict[str, int] = {}

    def formfield_for_dbfield(
        self, db_field: models.Field, request: HttpRequest, **kwargs: Any
    ) -> forms.Field | None:
        field = super().formfield_for_dbfield(db_field, request, **kwargs)  # type: ignore[misc]
        if field is not None and type(db_field) is models.DateField:
            years = self.date_future_years.get(db_field.name, FUTURE_YEARS)
            field.validators.append(DateBetween(years))
        return field
