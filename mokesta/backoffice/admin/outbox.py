from django.contrib import admin, messages
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from mokesta.outbox.models import OutgoingMessage
from mokesta.outbox.tasks import send_messages


@admin.register(OutgoingMessage)
class OutgoingMessageAdmin(admin.ModelAdmin):
    """The outbox as staff see it: read-only, except for sending failed messages again."""

    list_display = [
        "created_at",
        "channel",
        "recipient",
        "template",
        "state",
        "attempts",
        "sent_at",
        "invoice",
    ]
    list_filter = ["state", "channel", "template"]
    search_fields = ["recipient", "dedup_key", "invoice__number"]
    date_hierarchy = "created_at"
    list_select_related = ["invoice"]
    actions = ["retry"]
    readonly_fields = [field.name for field in OutgoingMessage._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # a message is evidence of what was sent; only the retry action changes it

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_retry_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("messaging.change_outgoingmessage")

    @admin.action(description=_("Send the selected messages again"), permissions=["retry"])
    def retry(self, request: HttpRequest, queryset: QuerySet[OutgoingMessage]) -> None:
        # Sent messages and ones a worker holds right now are left alone.
        retried = queryset.filter(
            state__in=[OutgoingMessage.State.FAILED, OutgoingMessage.State.PENDING]
        )
        with transaction.atomic():
            ids = list(retried.values_list("pk", flat=True))
            OutgoingMessage.objects.filter(pk__in=ids).update(
                state=OutgoingMessage.State.PENDING,
                attempts=0,
                next_attempt_at=timezone.now(),
            )
            transaction.on_commit(lambda: send_messages.enqueue(message_ids=ids))
        self.message_user(
            request,
            ngettext(
                "%(count)d message will be sent again.",
                "%(count)d messages will be sent again.",
                len(ids),
            )
            % {"count": len(ids)},
            messages.SUCCESS,
        )
