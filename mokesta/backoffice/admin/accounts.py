from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group, Permission
from django.db.models import ManyToManyField
from django.http import HttpRequest
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mokesta.accounts.models import User

PERMISSION_ACTIONS = {
    "add": _("Add"),
    "change": _("Change"),
    "delete": _("Delete"),
    "view": _("View"),
}
# Names written in English in models' Meta (migrations store them as they are).
CUSTOM_PERMISSIONS = {
    "run_billing": _("may close periods and run billing"),
    "issue_credit_note": _("may issue credit notes"),
}
UNNAMED_MODELS = {"invoicesequence": _("invoice number sequence")}


def permission_label(permission: Permission) -> str:
    """A permission in the staff's language: its name is stored in English when migrations
    create it, so the label is built from the model's (translated) name and the action."""
    model = permission.content_type.model_class()
    action, _sep, model_name = permission.codename.partition("_")
    if model is None:
        return str(permission)
    unnamed = UNNAMED_MODELS.get(model._meta.model_name or "")
    what = capfirst(unnamed if unnamed is not None else model._meta.verbose_name)
    if action in PERMISSION_ACTIONS and model_name == model._meta.model_name:
        return f"{what}: {str(PERMISSION_ACTIONS[action]).lower()}"
    custom = CUSTOM_PERMISSIONS.get(permission.codename)
    return f"{what}: {custom if custom is not None else gettext(permission.name)}"


def translate_permission_labels(field: forms.Field | None) -> None:
    if isinstance(field, forms.ModelMultipleChoiceField):
        field.label_from_instance = permission_label  # type: ignore[method-assign,assignment]


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(DjangoGroupAdmin):
    def formfield_for_manytomany(
        self, db_field: ManyToManyField, request: HttpRequest | None = None, **kwargs: Any
    ) -> forms.ModelMultipleChoiceField | None:
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        translate_permission_labels(field)
        return field


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Logins of customers and staff, with their message opt-ins."""

    def formfield_for_manytomany(
        self, db_field: ManyToManyField, request: HttpRequest, **kwargs: Any
    ) -> forms.ModelMultipleChoiceField | None:
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if db_field.name == "user_permissions":
            translate_permission_labels(field)
        return field

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
