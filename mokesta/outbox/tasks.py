"""The background task (Django Tasks API) that sends the outbox."""

from django_tasks import task

from mokesta.outbox import sending


@task()
def send_messages(message_ids: list[int] | None = None) -> int:
    """Send the given queued messages (all due ones when None); returns how many went out."""
    return sending.send_due(ids=message_ids)
