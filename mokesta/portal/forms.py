from django import forms
from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mokesta.billing.periods import ensure_month_open
from mokesta.customers.models import Contract
from mokesta.lib.dates import local_today
from mokesta.metering.declaration import (
    MeterState,
    broken_meter_message,
    check_reading,
    entered_by_utility,
    warnings_for,
)
from mokesta.portal.declare import deadline

FIELD_PREFIX = "meter_"


class DeclarationForm(forms.Form):
    """One field per active meter of the contract (`meter_<id>`), whole m³."""

    month = forms.DateField(
        widget=forms.HiddenInput,
        input_formats=["%Y-%m-%d"],
        error_messages={
            "required": gettext_lazy("The form is out of date. Enter the readings again."),
            "invalid": gettext_lazy("The form is out of date. Enter the readings again."),
        },
    )
    confirm_unusual = forms.BooleanField(
        label=gettext_lazy("I have checked: the readings are correct"), required=False
    )

    def __init__(
        self, *args: object, contract: Contract, month, states: list[MeterState], **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.contract = contract
        self.current_month = month
        self.states = {state.meter.pk: state for state in states}
        self.fields["month"].initial = month
        self.warnings: dict[str, list[str]] = {}
        for state in states:
            meter = state.meter
            self.fields[f"{FIELD_PREFIX}{meter.pk}"] = forms.CharField(
                label=_("Meter %(serial)s, reading in m³") % {"serial": meter.serial_number},
                required=False,
                max_length=20,
                help_text=self._help_text(state),
                widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
                # The utility's reading is shown beside the field, not offered for resubmission.
                initial=state.current.value
                if state.current and not entered_by_utility(state.current) and not state.broken
                else None,
            )

    @staticmethod
    def _help_text(state: MeterState) -> str:
        if state.broken:
            return broken_meter_message()
        if state.previous_estimated:
            return _(
                "Previous reading: %(previous)s m³, estimated; your actual reading may be lower, "
                "but not lower than %(floor)s m³"
            ) % {"previous": state.previous, "floor": state.floor}
        return _("Previous reading: %(previous)s m³") % {"previous": state.previous}

    def add_period_error(self, error: ValidationError) -> None:
        """A closed period refuses every meter's reading: say so next to each field."""
        for name in self.fields:
            if name.startswith(FIELD_PREFIX):
                self.add_error(name, error)

    def meter_fields(self) -> list[tuple[forms.BoundField, MeterState]]:
        return [(self[f"{FIELD_PREFIX}{pk}"], state) for pk, state in self.states.items()]

    def declarable(self) -> bool:
        """At least one meter is read this month (a broken one is billed by the norm)."""
        return any(not state.broken for state in self.states.values())

    def clean(self) -> dict:
        super().clean()  # returns self.cleaned_data, typed as possibly None
        cleaned = self.cleaned_data
        # A field for a meter that is not on this contract (a forged or stale form).
        for key in self.data:
            if key.startswith(FIELD_PREFIX):
                meter_id = key.removeprefix(FIELD_PREFIX)
                if not meter_id.isdigit() or int(meter_id) not in self.states:
                    raise forms.ValidationError(
                        _("Meter %(id)s is not on this contract.") % {"id": meter_id},
                        code="foreign_meter",
                    )
        month = cleaned.get("month")
        if month is not None and month != self.current_month:
            raise forms.ValidationError(
                _(
                    "Readings for %(month)s could be declared until %(deadline)s. "
                    "Enter this month's readings."
                )
                % {
                    "month": date_format(month, "YEAR_MONTH_FORMAT"),
                    "deadline": date_format(deadline(month), "Y-m-d"),
                },
                code="deadline",
            )
        if not self.contract.is_valid_on(local_today()):
            raise forms.ValidationError(
                _("This contract has ended; readings can no longer be declared."),
                code="ended",
            )
        try:
            ensure_month_open(self.current_month)
        except ValidationError as error:
            self.add_period_error(error)
            return cleaned
        values = {}
        for pk, state in self.states.items():
            name = f"{FIELD_PREFIX}{pk}"
            if name in self.errors:
                continue
            raw = (self.data.get(name) or "").strip()
            if not raw:
                continue
            value = self._check_value(name, raw, state)
            if value is not None:
                values[pk] = value
                warnings = warnings_for(state, value, self.contract.category)
                if warnings:
                    self.warnings[name] = warnings
        if not values and not self.errors:
            raise forms.ValidationError(_("Enter the reading of at least one meter."), code="empty")
        cleaned["values"] = values
        return cleaned

    def _check_value(self, name: str, raw: str, state: MeterState) -> int | None:
        try:
            return check_reading(raw, state)
        except ValidationError as error:
            self.add_error(name, error)
            return None
