"""A contract's readings and consumption per month, and the one write: declaring readings, by the
portal's own rules — the same owner of who may declare (portal.declare.contract_to_declare), the
same form (portal.forms.DeclarationForm: the refusals, the meter's digits, the deadline), the
same warnings of implausible consumption (confirmed here by `confirm_unusual`), the same save
(portal.declare.declare_readings)."""

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from mokesta.api.auth import api_user, require_declare
from mokesta.api.pages import page_of
from mokesta.api.problems import ApiProblem, not_found
from mokesta.api.schemas import (
    ConsumptionOut,
    DeclarationIn,
    DeclarationOut,
    ReadingPage,
    money,
)
from mokesta.customers.queries import user_contract
from mokesta.lib.dates import local_today
from mokesta.metering.models import Reading
from mokesta.metering.queries import contract_page, readings_by_meter
from mokesta.portal.consumption import consumption_by_meter
from mokesta.portal.declare import (
    DeclarationRefused,
    contract_to_declare,
    current_month,
    declare_readings,
    estimate_cost,
    meter_states,
)
from mokesta.portal.forms import FIELD_PREFIX, DeclarationForm

router = Router(tags=["readings"])


@router.get(
    "/{contract_id}/readings/",
    response=ReadingPage,
    operation_id="list_readings",
    summary="The readings of a contract's meters, newest first",
)
def list_readings(request: HttpRequest, contract_id: int, page: int = Query(1)) -> dict:
    user = api_user(request)
    contract = user_contract(user, contract_id)
    found = contract_page(user, contract.pk)
    if found is None:
        raise not_found()
    meters = {meter.pk: meter for point in found[1] for meter in point.meters}
    by_meter = readings_by_meter(list(meters))
    readings = [
        {
            "meter_id": meter_id,
            "serial_number": meters[meter_id].serial_number,
            "period": reading.period,
            "value": reading.value,
            "source": reading.source,
            "estimated": reading.source == Reading.Source.ESTIMATE,
        }
        for meter_id, rows in by_meter.items()
        for reading in rows
    ]
    readings.sort(key=lambda r: (r["period"], r["serial_number"]), reverse=True)
    return page_of(readings, page)


@router.get(
    "/{contract_id}/consumption/",
    response=ConsumptionOut,
    operation_id="get_consumption",
    summary="Each meter's consumption per month (the last 24 months)",
)
def get_consumption(request: HttpRequest, contract_id: int) -> dict:
    user = api_user(request)
    contract = user_contract(user, contract_id)
    _number, by_meter = consumption_by_meter(user, contract.pk)
    return {
        "contract_id": contract.pk,
        "meters": [
            {
                "meter_id": meter.pk,
                "serial_number": meter.serial_number,
                "months": [
                    {"month": m.month, "m3": m.m3, "estimated": m.estimated} for m in months
                ],
            }
            for meter, months in by_meter
        ],
    }


def _field_errors(form: DeclarationForm, index: dict[int, int]) -> list[dict[str, str]]:
    """The form's errors named by the request's fields."""
    found = []
    for name, messages in form.errors.items():
        if name.startswith(FIELD_PREFIX):
            meter_id = int(name.removeprefix(FIELD_PREFIX))
            field = f"readings.{index.get(meter_id, 0)}.value"
        else:
            field = {"__all__": "", "month": "month"}.get(name, name)
        found += [{"field": field, "message": str(message)} for message in messages]
    return found


@router.post(
    "/{contract_id}/readings/",
    response={201: DeclarationOut},
    operation_id="declare_readings",
    summary="Declare this month's readings (scope: declare)",
    description="The portal's rules: one declaration per meter and month (a later one replaces "
    "it while the month is open), not below the last actual reading, within the meter's digits, "
    "never over a reading the utility entered. An unusually high consumption is answered 422 "
    "`confirmation-required` with the warnings; send the same request with "
    "`confirm_unusual: true` to save it.",
)
def declare(request: HttpRequest, contract_id: int, body: DeclarationIn) -> Status:
    require_declare(request)
    user = api_user(request)
    contract = contract_to_declare(user, contract_id)
    month = current_month()
    index: dict[int, int] = {}
    data: dict[str, Any] = {"month": (body.month or month).isoformat()}
    for position, reading in enumerate(body.readings):
        if reading.meter_id in index:
            raise ApiProblem(
                "invalid-request",
                _("A meter is given twice."),
                errors=[{"field": f"readings.{position}.meter_id", "message": _("Given twice.")}],
            )
        index[reading.meter_id] = position
        data[f"{FIELD_PREFIX}{reading.meter_id}"] = str(reading.value)
    if body.confirm_unusual:
        data["confirm_unusual"] = "on"
    states = meter_states(contract, month)
    form = DeclarationForm(data, contract=contract, month=month, states=states)
    if not form.is_valid():
        raise ApiProblem(
            "declaration-refused",
            _("The readings were not saved; see the errors."),
            errors=_field_errors(form, index),
        )
    values = form.cleaned_data["values"]
    if form.warnings and not form.cleaned_data["confirm_unusual"]:
        raise ApiProblem(
            "confirmation-required",
            _(
                "Some readings are unusually high. Check them and send them again with "
                "confirm_unusual set to true."
            ),
            warnings=[
                {"meter_id": int(name.removeprefix(FIELD_PREFIX)), "messages": messages}
                for name, messages in form.warnings.items()
            ],
        )
    try:
        saved = declare_readings(user=user, contract=contract, month=month, values=values)
    except DeclarationRefused as refusal:
        field = "" if refusal.meter_id is None else f"readings.{index[refusal.meter_id]}.value"
        raise ApiProblem(
            "declaration-refused",
            str(refusal),
            errors=[{"field": field, "message": str(refusal)}],
        ) from None
    except ValidationError as closed:  # the period was closed meanwhile
        raise ApiProblem("declaration-refused", " ".join(closed.messages)) from None
    by_pk = {state.meter.pk: state for state in states}
    used = [(by_pk[pk].meter, value - by_pk[pk].previous) for pk, value in values.items()]
    cost = estimate_cost(contract=contract, used=used, day=local_today())
    return Status(
        201,
        {
            "month": month,
            "readings": [
                {
                    "meter_id": reading.meter_id,
                    "serial_number": by_pk[reading.meter_id].meter.serial_number,
                    "period": reading.period,
                    "value": reading.value,
                    "source": reading.source,
                    "estimated": False,
                }
                for reading in saved
            ],
            "estimated_cost": {
                "net": money(cost.net),
                "vat": money(cost.vat),
                "total": money(cost.total),
            },
        },
    )
