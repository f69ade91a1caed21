"""Declaring readings, and a meter's and a reading's pages (the consumption page is
consumption.py)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from mokesta.accounts.http import AuthenticatedHttpRequest
from mokesta.customers.access import may, pick_contract
from mokesta.lib.dates import local_today
from mokesta.metering.models import Meter, Reading
from mokesta.portal.declare import (
    DeclarationRefused,
    contract_to_declare,
    current_month,
    deadline,
    declare_readings,
    estimate_cost,
    meter_states,
)
from mokesta.portal.forms import DeclarationForm


@login_required
def declare_pick(request: AuthenticatedHttpRequest) -> HttpResponse:
    return pick_contract(request, "metering:declare", _("Declare readings"), action="declare")


@login_required
def declare(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    contract = contract_to_declare(request.user, pk)
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
    contract = meter.service_point.contract
    return render(
        request,
        "metering/meter.html",
        {
            "meter": meter,
            "contract": contract,
            "rows": rows,
            "may_declare": may(request.user, contract.pk, "declare"),
        },
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
