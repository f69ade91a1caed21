"""The audit trail: every admin change (and the changes our services log) in one read-only list."""

from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.http import HttpRequest


class ReadOnlyAdmin(admin.ModelAdmin):
    """For records that are facts (log entries, bank transactions): shown, never edited here."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(LogEntry)
class LogEntryAdmin(ReadOnlyAdmin):
    list_display = ["action_time", "user", "content_type", "object_repr", "action_flag", "change"]
    list_filter = ["action_flag", "content_type", "user", "action_time"]
    search_fields = ["object_repr", "change_message", "user__email"]
    date_hierarchy = "action_time"
    list_select_related = ["user", "content_type"]

    @admin.display(description=LogEntry._meta.get_field("change_message").verbose_name)
    def change(self, obj: LogEntry) -> str:
        return obj.get_change_message()
