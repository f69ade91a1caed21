"""The outbox: messages written in the same transaction as the change that causes them, and sent
by a task only after that transaction commits (a rolled-back invoice sends nothing)."""

from django.db import transaction

from mokesta.outbox.models import OutgoingMessage
from mokesta.outbox.tasks import send_messages


def queue(messages: list[OutgoingMessage]) -> list[int]:
    """Write `messages` (skipping any whose dedup key is already queued) and have them sent after
    the surrounding transaction commits. Returns the ids of the rows waiting to be sent."""
    if not messages:
        return []
    keys = [message.dedup_key for message in messages]
    with transaction.atomic():
        # ON CONFLICT DO NOTHING: queueing the same thing twice, even from two processes at
        # once, leaves one row; the unique dedup key decides, not a check in Python.
        OutgoingMessage.objects.bulk_create(messages, ignore_conflicts=True)
        ids = list(
            OutgoingMessage.objects.filter(
                dedup_key__in=keys, state=OutgoingMessage.State.PENDING
            ).values_list("pk", flat=True)
        )
    if ids:
        transaction.on_commit(lambda: send_messages.enqueue(message_ids=ids))
    return ids
