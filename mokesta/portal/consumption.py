"""The consumption page: each meter's last 24 months as a chart (metering/chart.py) and a table
(rows from tables.py), and the same numbers as CSV. One query of plain rows
(metering.queries.consumption_rows), scoped to the user."""

from typing import NamedTuple

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from mokesta.accounts.http import AuthenticatedHttpRequest
from mokesta.accounts.models import User
from mokesta.customers.access import pick_contract, safe_filename
from mokesta.lib import spreadsheet
from mokesta.metering import chart
from mokesta.metering.queries import ConsumptionMeter, ReadingRow, consumption_rows
from mokesta.portal import tables
from mokesta.portal.declare import current_month


@login_required
def consumption_pick(request: AuthenticatedHttpRequest) -> HttpResponse:
    return pick_contract(request, "metering:consumption", _("Consumption"))


def consumption_by_meter(
    user: User, pk: int
) -> tuple[str, list[tuple[ConsumptionMeter, list[chart.Month]]]]:
    """The contract's number and each of its meters with its last months; a 404 when the
    contract is not linked to `user`."""
    rows = consumption_rows(user, pk)
    if not rows:
        raise Http404
    meters: dict[int, tuple[ConsumptionMeter, list[ReadingRow]]] = {}
    for row in rows:
        if row.meter is None:  # a service point without meters, or a contract without any
            continue
        if row.meter not in meters:
            meter = ConsumptionMeter(
                *(row.meter, row.serial_number, row.initial_reading),  # type: ignore[arg-type]
                *(row.installed_on, row.removed_on),  # type: ignore[arg-type]
            )
            meters[row.meter] = (meter, [])
        if row.period is not None:  # a meter without readings yet
            meters[row.meter][1].append(ReadingRow(row.period, row.value, row.source))  # type: ignore[arg-type]
    until = current_month()
    return rows[0].number, [
        (
            meter,
            chart.last_months(
                readings,
                initial_value=meter.initial_reading,
                until=until,
                installed_on=meter.installed_on,
                removed_on=meter.removed_on,
            ),
        )
        for meter, readings in meters.values()
    ]


class ContractRow(NamedTuple):
    pk: int
    number: str


@login_required
def consumption(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    number, by_meter = consumption_by_meter(request.user, pk)
    meters = []
    for meter, months in by_meter:
        drawn = chart.bars(months)
        svg = chart.svg(meter.pk, meter.serial_number, months, drawn)
        meters.append((meter, months, drawn, svg, tables.consumption_rows(months)))
    context = {"contract": ContractRow(pk, number), "meters": meters, "has_contracts": True}
    return render(request, "metering/consumption.html", context)


@login_required
def consumption_csv(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    number, by_meter = consumption_by_meter(request.user, pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="suvartojimas-{safe_filename(number)}.csv"'
    )
    response["Cache-Control"] = "no-store"
    response.write("\ufeff")  # a BOM, so spreadsheet programs read the UTF-8 letters right
    # Semicolons: what spreadsheet programs expect in a Lithuanian locale.
    writer = spreadsheet.writer(response, delimiter=";")
    writer.writerow([_("Meter"), _("Month"), _("Consumption, m³"), _("Estimated")])
    for meter, months in by_meter:
        for month in months:
            writer.writerow(
                [
                    meter.serial_number,
                    f"{month.month:%Y-%m}",
                    "" if month.m3 is None else month.m3,
                    _("yes") if month.estimated else _("no"),
                ]
            )
    return response
