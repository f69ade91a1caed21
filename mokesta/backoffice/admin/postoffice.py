"""Back office for the post office's payment file: the readings held for a clerk, and the post's
daily transfers reconciled with the bank statement."""

from decimal import Decimal

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mokesta.backoffice.admin.audit import ReadOnlyAdmin
from mokesta.backoffice.dates import BoundedDates
from mokesta.bank.models import HeldReading, PostTransfer
from mokesta.lib.audit import CHANGE, audit


@admin.register(HeldReading)
class HeldReadingAdmin(BoundedDates, ReadOnlyAdmin):
    """The clerk's queue: read the reason, enter the reading under Readings if it is right (or
    call the customer), then mark it resolved."""

    list_display = [
        "created_at",
        "payer_name",
        "contract",
        "meter",
        "position",
        "month",
        "value",
        "previous",
        "reason",
        "file_line",
        "resolved_at",
    ]
    list_filter = [("resolved_at", admin.EmptyFieldListFilter), "month", "statement"]
    search_fields = ["payer_name", "contract__number", "meter__serial_number", "reason"]
    list_select_related = ["contract", "meter", "statement"]
    actions = ["mark_resolved"]

    @admin.display(description=_("file and line"))
    def file_line(self, obj: HeldReading) -> str:
        return f"{obj.statement.file_name}: {obj.line}"

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        # Only the action below changes a held reading; its fields stay what the file said.
        return obj is None and request.user.has_perm("bank.change_heldreading")

    @admin.action(description=_("Mark resolved"), permissions=["change"])
    def mark_resolved(self, request: HttpRequest, queryset: QuerySet[HeldReading]) -> None:
        waiting = list(queryset.filter(resolved_at__isnull=True))
        now = timezone.now()
        for held in waiting:
            held.resolved_at, held.resolved_by = now, request.user  # type: ignore[assignment]
            held.save(update_fields=["resolved_at", "resolved_by"])
            audit(request.user, held, CHANGE, gettext("Resolved."))  # type: ignore[arg-type]
        messages.success(
            request, gettext("%(count)s held readings resolved.") % {"count": len(waiting)}
        )


@admin.register(PostTransfer)
class PostTransferAdmin(BoundedDates, ReadOnlyAdmin):
    list_display = [
        "transfer_date",
        "number",
        "payments",
        "collected",
        "fee",
        "expected_shown",
        "received",
        "difference_shown",
        "state",
    ]
    list_filter = ["transfer_date"]
    search_fields = ["number"]
    list_select_related = ["file", "bank_transaction"]

    @admin.display(description=_("expected"))
    def expected_shown(self, obj: PostTransfer) -> Decimal | None:
        return obj.expected

    @admin.display(description=_("difference"))
    def difference_shown(self, obj: PostTransfer) -> Decimal | None:
        return obj.difference

    @admin.display(description=_("state"))
    def state(self, obj: PostTransfer) -> str:
        if obj.file_id is None:
            return gettext("waiting for the post office's file")
        if obj.bank_transaction_id is None:
            return gettext("waiting for the bank transfer")
        if obj.difference:
            return gettext("difference: check with Lietuvos paštas")
        return gettext("reconciled")
