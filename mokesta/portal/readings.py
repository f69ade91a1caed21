import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from mokesta.accounts.http import AuthenticatedHttpRequest
from mokesta.customers.access import pick_contract, safe_filename, user_contract
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


def _consumption(contract) -> list[tuple[Meter, list[chart.Month]]]:
    meters = list(Meter.objects.filter(service_point__contract=contract).order_by("serial_number"))
    by_meter: dict[int, list[Reading]] = {m.pk: [] for m in meters}
    for reading in Reading.objects.filter(meter__in=meters):
        by_meter[reading.meter_id].append(reading)
    until = current_month()
    return [
        (
            meter,
            chart.last_months(
                by_meter[meter.pk],
                initial_value=meter.initial_reading,
                until=until,
                installed_on=meter.installed_on,
                removed_on=meter.removed_on,
            ),
        )
        for meter in meters
    ]


@login_required
def consumption(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    contract = user_contract(request.user, pk)
    meters = [(meter, months, chart.bars(months)) for meter, months in _consumption(contract)]
    return render(request, "metering/consumption.html", {"contract": contract, "meters": meters})


@login_required
def consumption_csv(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    contract = user_contract(request.user, pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="suvartojimas-{safe_filename(contract.number)}.csv"'
    )
    response["Cache-Control"] = "no-store"
    response.write("\ufeff")  # a BOM, so spreadsheet programs read the UTF-8 letters right
    # Semicolons: what spreadsheet programs expect in a Lithuanian locale.
    writer = csv.writer(response, delimiter=";")
    writer.writerow([_("Meter"), _("Month"), _("Consumption, m³"), _("Estimated")])
    for meter, months in _consumption(contract):
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
