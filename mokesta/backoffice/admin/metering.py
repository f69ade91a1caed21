import datetime as dt
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import actions as admin_actions
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mokesta.backoffice.dates import BoundedDates
from mokesta.billing.models import BillingPeriod
from mokesta.billing.periods import ensure_month_open
from mokesta.lib.dates import local_today
from mokesta.metering.away import end_away
from mokesta.metering.models import AwayPeriod, AwayReading, Meter, Reading


class ReadingForm(forms.ModelForm):
    """Refuses a reading of a closed billing period with the message next to the month, where
    the save signal would otherwise refuse it with a server error."""

    class Meta:
        model = Reading
        fields = ["meter", "period", "value", "source"]
        labels = {"meter": gettext_lazy("meter")}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.instance.pk and not self.has_changed():
            return cleaned  # left as it was (a closed month's row on an old meter's page)
        meter = cleaned.get("meter")
        # A closed month's reading reopened by a credit note may be corrected, not moved away.
        meter_id = meter.pk if meter else self.instance.meter_id
        try:
            if cleaned.get("period"):
                ensure_month_open(cleaned["period"], meter_id=meter_id)
            if self.instance.pk and "period" in self.changed_data:
                ensure_month_open(self.initial["period"])  # moving a reading out of a closed month
        except ValidationError as error:
            self.add_error("period", error)
        return cleaned


class ReadingFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        for form in self.deleted_forms:
            if form.instance.pk:
                ensure_month_open(form.instance.period, meter_id=form.instance.meter_id)


def is_locked(reading: Reading | None) -> bool:
    """A saved reading of a closed period: it can be looked at, not deleted."""
    if reading is None or reading.pk is None:
        return False
    try:
        ensure_month_open(reading.period, meter_id=reading.meter_id)
    except ValidationError:
        return True
    return False


@admin.action(
    description=gettext_lazy("Delete selected %(verbose_name_plural)s"), permissions=["delete"]
)
def delete_selected(
    modeladmin: "ReadingAdmin", request: HttpRequest, queryset: QuerySet[Reading]
) -> HttpResponse | None:
    """Django's "delete selected", refused as a whole with a message when the selection holds a
    closed month's reading (the delete signal would otherwise end in a server error). Named
    like Django's action so that it replaces it."""
    closed = BillingPeriod.objects.filter(state=BillingPeriod.State.CLOSED).values("month")
    for reading in queryset.filter(period__in=closed):
        try:
            ensure_month_open(reading.period, meter_id=reading.meter_id)
        except ValidationError as error:
            modeladmin.message_user(
                request,
                _("Nothing was deleted: %(reason)s") % {"reason": error.messages[0]},
                messages.ERROR,
            )
            return None
    return admin_actions.delete_selected(modeladmin, request, queryset)


class EnteredBy:
    """Who entered a reading and when: the model's created_by / created_at / updated_at carry no
    verbose name, so the list, the form and the meter's inline show them through these."""

    @admin.display(description=gettext_lazy("entered by"), ordering="created_by")
    def entered_by(self, reading: Reading) -> str:
        return str(reading.created_by or "—")

    @admin.display(description=gettext_lazy("entered"), ordering="created_at")
    def entered(self, reading: Reading) -> object:
        return reading.created_at or "—"

    @admin.display(description=gettext_lazy("updated"), ordering="updated_at")
    def updated(self, reading: Reading) -> object:
        return reading.updated_at or "—"


class ReadingInline(EnteredBy, BoundedDates, admin.TabularInline):
    date_future_years = {"period": 0}
    model = Reading
    form = ReadingForm
    formset = ReadingFormSet
    # The model's created_by / updated_at carry no labels: shown through labelled methods.
    fields = ["period", "value", "source", "entered_by", "updated"]
    readonly_fields = ["entered_by", "updated"]
    ordering = ["-period"]
    extra = 0


@admin.register(Meter)
class MeterAdmin(BoundedDates, admin.ModelAdmin):
    # Installed and verified on days that have come; removed or broken may be a day ahead.
    date_future_years = {"installed_on": 0, "verified_on": 0, "removed_on": 1, "broken_since": 1}
    ordering = ["serial_number"]
    list_display = [
        "serial_number",
        "service_point",
        "kind",
        "installed_on",
        "removed_on",
        "broken_since",
        "verification_due_on",
    ]
    list_filter = ["kind", "garden", "installed_on", "removed_on", "broken_since"]
    search_fields = [
        "serial_number",
        "service_point__address",
        "service_point__contract__number",
        "service_point__contract__customer__payer_code",
        "service_point__contract__customer__name",
    ]
    autocomplete_fields = ["service_point"]
    list_select_related = ["service_point"]
    inlines = [ReadingInline]

    @admin.display(description=gettext_lazy("verification due"))
    def verification_due_on(self, meter: Meter) -> dt.date:
        return meter.verification_due

    def save_formset(
        self, request: HttpRequest, form: object, formset: object, change: bool
    ) -> None:
        # Readings typed in here are staff entries, signed by the clerk.
        for reading in formset.save(commit=False):  # type: ignore[attr-defined]
            if reading.pk is None:
                reading.created_by = request.user
            reading.save()
        formset.save_m2m()  # type: ignore[attr-defined]
        for obj in formset.deleted_objects:  # type: ignore[attr-defined]
            obj.delete()


@admin.register(Reading)
class ReadingAdmin(EnteredBy, BoundedDates, admin.ModelAdmin):
    date_future_years = {"period": 0}
    # The model's fields without a verbose name get one here, so the list reads in Lithuanian.
    list_display = ["meter_serial", "period", "value", "source", "entered_by", "updated"]
    list_filter = ["source", "period"]
    search_fields = [
        "meter__serial_number",
        "meter__service_point__address",
        "meter__service_point__contract__number",
    ]
    date_hierarchy = "period"
    autocomplete_fields = ["meter"]
    readonly_fields = ["entered_by", "entered", "updated"]
    list_select_related = ["meter", "created_by"]
    form = ReadingForm
    actions = [delete_selected]

    @admin.display(description=gettext_lazy("meter"), ordering="meter__serial_number")
    def meter_serial(self, reading: Reading) -> str:
        return reading.meter.serial_number

    def has_delete_permission(self, request: HttpRequest, obj: Reading | None = None) -> bool:
        return super().has_delete_permission(request, obj) and not is_locked(obj)

    def save_model(
        self, request: HttpRequest, obj: Reading, form: forms.ModelForm, change: bool
    ) -> None:
        if change and not form.has_changed():
            return  # nothing to write (and a closed month's reading may not be written)
        if obj.pk is None:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


class AwayReadingInline(admin.TabularInline):
    model = AwayReading
    fields = ["meter", "value"]
    raw_id_fields = ["meter"]
    extra = 0


@admin.action(
    description=gettext_lazy("End the selected away periods today"), permissions=["change"]
)
def end_away_periods(
    modeladmin: "AwayPeriodAdmin", request: HttpRequest, queryset: QuerySet[AwayPeriod]
) -> None:
    """„Baigti": the household is back (or never left). One not begun yet is cancelled."""
    today = local_today()
    count = 0
    for away in queryset:
        end_away(staff=request.user, away=away, today=today)  # type: ignore[arg-type]
        count += 1
    modeladmin.message_user(request, _("Ended: %(count)s.") % {"count": count}, messages.SUCCESS)


@admin.register(AwayPeriod)
class AwayPeriodAdmin(BoundedDates, admin.ModelAdmin):
    """„Išvykstu" periods the customers declared (metering/away.py): while one lasts the
    billing run estimates 0 m³ and no reading reminders go out."""

    date_future_years = {"starts_on": 2, "ends_on": 2}
    list_display = ["contract", "service_point", "starts_on", "ends_on", "created_by", "ended_at"]
    list_filter = ["starts_on", "ends_on"]
    search_fields = ["contract__number", "contract__customer__name", "service_point__address"]
    autocomplete_fields = ["contract", "service_point"]
    readonly_fields = ["created_by", "created_at", "ended_at"]
    list_select_related = ["contract", "service_point", "created_by"]
    inlines = [AwayReadingInline]
    actions = [end_away_periods]
