from django.contrib import admin

from mokesta.customers.models import Contract, ContractAccess, Customer, ServicePoint


class ContractInline(admin.TabularInline):
    model = Contract
    fields = ["number", "category", "start_date", "end_date"]
    show_change_link = True
    extra = 0


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    ordering = ["name"]
    list_display = ["name", "payer_code", "email", "phone", "address"]
    search_fields = ["name", "payer_code", "email", "address", "contracts__number"]
    inlines = [ContractInline]


class ServicePointInline(admin.TabularInline):
    model = ServicePoint
    show_change_link = True
    extra = 0


class ContractAccessInline(admin.TabularInline):
    model = ContractAccess
    fields = ["user", "via", "created_at"]
    readonly_fields = ["created_at"]
    raw_id_fields = ["user"]
    extra = 0


@admin.register(Contract)
class ContractAdmin(admin.ModelAdmin):
    ordering = ["number"]
    list_display = ["number", "customer", "category", "start_date", "end_date"]
    list_filter = ["category", "start_date", "end_date"]
    search_fields = [
        "number",
        "customer__name",
        "customer__payer_code",
        "service_points__address",
        "service_points__meters__serial_number",
    ]
    autocomplete_fields = ["customer"]
    list_select_related = ["customer"]
    inlines = [ServicePointInline, ContractAccessInline]


@admin.register(ServicePoint)
class ServicePointAdmin(admin.ModelAdmin):
    ordering = ["address"]
    list_display = ["address", "contract"]
    search_fields = ["address", "contract__number", "meters__serial_number"]
    autocomplete_fields = ["contract"]
    list_select_related = ["contract"]
