from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from mokesta.accounts.models import User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Logins of customers and staff, with their message opt-ins."""

    ordering = ["email"]
    list_display = [
        "email",
        "first_name",
        "last_name",
        "is_staff",
        "invoices_by_email",
        "sms_opt_in",
        "last_login",
    ]
    list_filter = [
        "is_staff",
        "is_superuser",
        "is_active",
        "groups",
        "invoices_by_email",
        "sms_opt_in",
    ]
    search_fields = ["email", "first_name", "last_name", "phone"]
    readonly_fields = ["last_login", "date_joined", "rules_accepted_at"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (
            _("Personal info"),
            {
                "fields": [
                    "first_name",
                    "last_name",
                    "phone",
                    "language",
                    "invoices_by_email",
                    "sms_opt_in",
                    "rules_accepted_at",
                ]
            },
        ),
        (
            _("Permissions"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["email", "first_name", "last_name", "password1", "password2"],
            },
        ),
    ]
