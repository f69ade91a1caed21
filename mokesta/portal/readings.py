import datetime as dt
from typing import NamedTuple

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from mokesta.accounts.http import AuthenticatedHttpRequest
from mokesta.accounts.models import User
from mokesta.customers.access import pick_contract, safe_filename, user_contract
from mokesta.lib import spreadsheet
from mokesta.lib.dates import local_today
from mokesta.metering import chart
from mokesta.metering.models import Meter, Reading
from mokesta.portal.declare import (
    DeclarationRefused,
    current_month,
    deadline,
    declare_readings,
    estimate_cost,
    meter_states,
)
from mokesta.portal.forms import DeclarationForm
from mokesta.portal.rows import day, numbers


@login_required
def declare_pick(request: AuthenticatedHttpRequest) -> HttpResponse:
    return pick_contract(request, "metering:declare", _("Declare readings"))


@login_required
def consumption_pick(request: AuthenticatedHttpRequest) -> HttpResponse:
    return pick_contract(request, "metering:consumption", _("Consumption"))


@login_required
def declare(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    contract = user_contract(request.user, pk)
    month = current_month()
    states = meter_states(contract, month)
    form = DeclarationForm(request.POST or None, contract=contract, month=month, states=states)
    context = {"contract": contract, "form": form, "month": month, "deadline": deadline(month)}
    context["has_contracts"] = True  # the menu's question, answered: one query less
    if request.method != "POST" or not form.is_valid() or "edit" in request.POST:
        return render(request, "metering/declare.html", context)

    values = form.cleaned_data["values"]
    by_pk = {state.meter.pk: state for state in states}
    used = [(by_pk[pk].meter, value - by_pk[pk].previous) for pk, value in values.items()]
    context["rows"] = [
        (by_pk[pk], value, value - by_pk[pk].previous, form.warnings.get(f"meter_{pk}", []))
        for pk, value in values.items()
    ]
    context["cost"] = estimate_cost(contract=contract, used=used, day=local_today())
    if "confirm" in request.POST:
        if form.warnings and not form.cleaned_data["confirm_unusual"]:
            context["confirm_error"] = _(
                "Tick the box to confirm that you have checked the unusual readings."
            )
        else:
            try:
                declare_readings(user=request.user, contract=contract, month=month, values=values)
            except DeclarationRefused as refusal:
                field = None if refusal.meter_id is None else f"meter_{refusal.meter_id}"
                form.add_error(field, str(refusal))
                return render(request, "metering/declare.html", context)
            except ValidationError as closed:  # the period was closed meanwhile
                form.add_period_error(closed)
                return render(request, "metering/declare.html", context)
            messages.success(request, _("Thank you, your readings have been saved."))
            return redirect("customers:contract", contract.pk)
    return render(request, "metering/declare_confirm.html", context)


def _user_meter(request: AuthenticatedHttpRequest, pk: int) -> Meter:
    return get_object_or_404(
        Meter.objects.select_related("service_point__contract"),
        pk=pk,
        service_point__contract__accesses__user=request.user,
    )


@login_required
def meter_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meter = _user_meter(request, pk)
    readings = list(Reading.objects.filter(meter=meter).order_by("period"))
    rows = []
    previous = meter.initial_reading
    for reading in readings:
        rows.append((reading, reading.value - previous))
        previous = reading.value
    rows.reverse()
    return render(
        request,
        "metering/meter.html",
        {"meter": meter, "contract": meter.service_point.contract, "rows": rows},
    )


@login_required
def reading_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    reading = get_object_or_404(
        Reading.objects.select_related("meter__service_point__contract"),
        pk=pk,
        meter__service_point__contract__accesses__user=request.user,
    )
    return render(
        request,
        "metering/reading.html",
        {"reading": reading, "contract": reading.meter.service_point.contract},
    )


# The consumption page's one query in plain SQL: the ORM took 0.4–0.5 ms of CPU to build it,
# a third of the page's own work; the database needs 0.05 ms. Django's default table names.
CONSUMPTION_SQL = """
    SELECT c.number, m.id, m.serial_number, m.initial_reading, m.installed_on, m.removed_on,
           r.period, r.value, r.source
    FROM customers_contract c
    JOIN customers_contractaccess a ON a.contract_id = c.id
    LEFT JOIN customers_servicepoint p ON p.contract_id = c.id
    LEFT JOIN metering_meter m ON m.service_point_id = p.id
    LEFT JOIN metering_reading r ON r.meter_id = m.id
    WHERE c.id = %s AND a.user_id = %s
    ORDER BY m.serial_number, r.period
"""


class ConsumptionContract(NamedTuple):
    pk: int
    number: str


class ConsumptionMeter(NamedTuple):
    pk: int
    serial_number: str
    initial_reading: int
    installed_on: dt.date
    removed_on: dt.date | None


class ConsumptionReading(NamedTuple):
    period: dt.date
    value: int
    source: str


def _consumption(
    user: User, pk: int
) -> tuple[ConsumptionContract, list[tuple[ConsumptionMeter, list[chart.Month]]]]:
    """The contract (pk, number) and each of its meters with its last months, from one query:
    the contract left-joined to its meters and their readings, a row per reading."""
    with connection.cursor() as cursor:
        cursor.execute(CONSUMPTION_SQL, [pk, user.pk])
        rows = cursor.fetchall()
    if not rows:
        raise Http404
    meters: dict[int, tuple[ConsumptionMeter, list[ConsumptionReading]]] = {}
    for row in rows:
        meter_pk, serial, initial, installed, removed, period, value, source = row[1:]
        if meter_pk is None:  # a service point without meters, or a contract without any
            continue
        if meter_pk not in meters:
            meters[meter_pk] = (ConsumptionMeter(meter_pk, serial, initial, installed, removed), [])
        if period is not None:  # a meter without readings yet
            meters[meter_pk][1].append(ConsumptionReading(period, value, source))
    until = current_month()
    return ConsumptionContract(pk, rows[0][0]), [
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


@login_required
def consumption(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    contract, by_meter = _consumption(request.user, pk)
    meters = [(meter, months, chart.bars(months)) for meter, months in by_meter]
    context = {
        "contract": contract,
        "meters": meters,
        "sections": consumption_sections(meters),
        "has_contracts": True,
    }
    return render(request, "metering/consumption.html", context)


def consumption_sections(
    meters: list[tuple[ConsumptionMeter, list[chart.Month], dict]],
) -> SafeString:
    """Each meter's section: heading, chart, legend and table (the template's loop before; its
    labels were a dozen tags per meter). Labels are the template's: not escaped, like
    {% translate %}'s; the serial number is."""
    # Read into names first: xgettext does not see a gettext call inside an f-string.
    actual, estimated = _("declared or read"), _("estimated (light, dashed)")
    no_bar, as_table = (
        _("Months before the meter was installed have no bar."),
        _("The same numbers as a table"),
    )
    month, used, note = _("Month"), _("Consumption, m³"), _("Note")
    legend_and_head = (
        '  <ul class="chart-legend">\n'
        f'    <li><span class="swatch actual" aria-hidden="true"></span>{actual}'
        "</li>\n"
        '    <li><span class="swatch estimated" aria-hidden="true"></span>'
        f"{estimated}</li>\n"
        f"    <li>{no_bar}</li>\n"
        "  </ul>\n"
    )
    parts = []
    for meter, months, drawn in meters:
        pk = meter.pk
        title = _("Meter %(serial)s") % {"serial": escape(meter.serial_number)}
        parts.append(
            f'\n<section aria-labelledby="meter-{pk}">\n'
            f'  <h2 id="meter-{pk}">{title}</h2>\n'
            '  <div class="chart">\n'
            f"  {consumption_svg(meter, months, drawn)}\n"
            "  </div>\n"
            f"{legend_and_head}"
            f'  <details id="table-{pk}">\n'
            f"    <summary>{as_table}</summary>\n"
            "    <table>\n"
            f'      <thead><tr><th scope="col">{month}</th><th scope="col" class="num">'
            f'{used}</th><th scope="col">{note}</th></tr></thead>\n'
            "      <tbody>\n"
            f"      {consumption_rows(months)}\n"
            "      </tbody>\n"
            "    </table>\n"
            "  </details>\n"
            "</section>\n"
        )
    return SafeString("".join(parts))


def consumption_svg(meter: ConsumptionMeter, months: list[chart.Month], drawn: dict) -> SafeString:
    """A meter's chart and its table's rows, built in Python (see rows.py for why): about a
    hundred elements per meter, each a handful of template lookups before."""
    not_installed, no_reading, estimated = _("not installed"), _("no reading"), _("estimated")
    num = numbers()
    pk, left, right, baseline = meter.pk, drawn["left"], drawn["right"], drawn["baseline"]

    def note(m: chart.Month) -> str:
        if not m.in_service:
            return not_installed
        if m.m3 is None:
            return no_reading
        return f"{num(m.m3)} m³" + (f" ({estimated})" if m.estimated else "")

    parts: list[str] = [
        format_html(
            '<svg role="img" aria-labelledby="chart-title-{} chart-desc-{}" viewBox="0 0 {} {}"'
            ' xmlns="http://www.w3.org/2000/svg" font-family="system-ui, DejaVu Sans, sans-serif"'
            ' font-size="{}">\n<title id="chart-title-{}">{}</title>\n<desc id="chart-desc-{}">{}'
            '</desc>\n<text x="2" y="{}" fill="#1b2a33">m³</text>\n',
            pk,
            pk,
            drawn["width"],
            drawn["height"],
            drawn["font"],
            pk,
            _("Monthly consumption of meter %(serial)s, m³") % {"serial": meter.serial_number},
            pk,
            "".join(f"{day(m.month, 'Y-m')}: {note(m)}; " for m in months),
            drawn["unit_y"],
        )  # fmt: skip
    ]
    # Numbers only from here on: nothing to escape.
    for tick in drawn["ticks"]:
        parts.append(
            f'<line x1="{left}" y1="{tick.y}" x2="{right}" y2="{tick.y}" stroke="#dde3e7"/>\n'
            f'<text x="{left - 4}" y="{tick.y}" dy="4" text-anchor="end" fill="#1b2a33">'
            f"{num(tick.value)}</text>\n"
        )
    parts.append(
        f'<line x1="{left}" y1="{baseline}" x2="{right}" y2="{baseline}" stroke="#5b6770"/>\n'
        f'<line x1="{left}" y1="{drawn["unit_y"]}" x2="{left}" y2="{baseline}" stroke="#5b6770"/>\n'
    )
    width, month_y, year_y = drawn["bar_width"], drawn["month_y"], drawn["year_y"]
    for bar in drawn["bars"]:
        if bar.month.m3 is not None and bar.height:
            paint = (
                'fill="#9cc3da" stroke="#005a8c" stroke-dasharray="3 2"'
                if bar.month.estimated
                else 'fill="#005a8c"'
            )
            parts.append(
                f'<rect x="{bar.x}" y="{bar.y}" width="{width}" height="{bar.height}" {paint}/>\n'
            )
        if bar.month_label:
            parts.append(
                f'<text x="{bar.label_x}" y="{month_y}" text-anchor="middle" fill="#1b2a33">'
                f"{bar.month_label}</text>\n"
            )
        if bar.year_label:
            parts.append(f'<text x="{bar.x}" y="{year_y}" fill="#1b2a33">{bar.year_label}</text>\n')
    parts.append("</svg>")
    return SafeString("".join(parts))


def consumption_rows(months: list[chart.Month]) -> SafeString:
    """The rows of the table under a meter's chart (the chart's numbers, for screen readers)."""
    not_installed, no_reading, estimated = (
        escape(label) for label in (_("not installed"), _("no reading"), _("estimated"))
    )
    num = numbers()

    def note(m: chart.Month) -> str:
        if not m.in_service:
            return not_installed
        if m.estimated:
            return estimated
        return no_reading if m.m3 is None else ""

    # Dates, numbers and escaped labels: nothing else to escape.
    return SafeString(
        "".join(
            f"<tr><td>{day(m.month, 'Y-m')}</td>"
            f'<td class="num">{"–" if m.m3 is None else num(m.m3)}</td><td>{note(m)}</td></tr>\n'
            for m in months
        )
    )


@login_required
def consumption_csv(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    contract, by_meter = _consumption(request.user, pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="suvartojimas-{safe_filename(contract.number)}.csv"'
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
