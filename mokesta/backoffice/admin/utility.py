from django.contrib import admin
from django.http import HttpRequest

from mokesta.utility.models import Utility


@admin.register(Utility)
class UtilityAdmin(admin.ModelAdmin):
    """The utility's details: one row, edited but never added twice or deleted."""

    list_display = ["name", "company_code", "iban"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not Utility.objects.exists() and super().has_add_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
