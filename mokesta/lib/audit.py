"""The audit trail of changes made outside the admin (imports, assignments by services).

It writes to the admin's own log (django.contrib.admin's LogEntry), so the back office shows one
list of every change whoever made it. Here, at the bottom, because any service may record one and
it needs nothing of the project's apps.
"""

from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model

# The action flags are re-exported so that callers need not know where the log lives.
__all__ = ["ADDITION", "CHANGE", "DELETION", "audit"]


def audit(user: Model, obj: Model, action: int, message: str) -> None:
    """Record that `user` added/changed `obj` (an ADDITION/CHANGE/DELETION flag), and why."""
    LogEntry.objects.create(
        user_id=user.pk,
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=True),
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        action_flag=action,
        change_message=message,
    )
