from django.contrib import admin
from django.http import HttpRequest

from mokesta.metering.models import Meter, Reading


class ReadingInline(admin.TabularInline):
    model = Reading
    fields = ["period", "value", "source", "created_by", "updated_at"]
    readonly_fields = ["created_by", "updated_at"]
    ordering = ["-period"]
    extra = 0


@admin.register(Meter)
class MeterAdmin(admin.ModelAdmin):
    ordering = ["serial_number"]
    list_display = [
        "serial_number",
        "service_point",
        "kind",
        "installed_on",
        "removed_on",
        "verification_due",
    ]
    list_filter = ["kind", "garden", "installed_on", "removed_on"]
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
class ReadingAdmin(admin.ModelAdmin):
    list_display = ["meter", "period", "value", "source", "created_by", "updated_at"]
    list_filter = ["source", "period"]
    search_fields = [
        "meter__serial_number",
        "meter__service_point__address",
        "meter__service_point__contract__number",
    ]
    date_hierarchy = "period"
    autocomplete_fields = ["meter"]
    readonly_fields = ["created_by", "created_at", "updated_at"]
    list_select_related = ["meter", "created_by"]

    def save_model(self, request: HttpRequest, obj: Reading, form: object, change: bool) -> None:
        if obj.pk is None:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
