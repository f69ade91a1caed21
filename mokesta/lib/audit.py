"""The audit trail: changes made outside the admin, recorded in the admin's own log."""

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model


def audit(user_id: int, obj: Model, action: int, message: str) -> None:
    """Record `action` (ADDITION, CHANGE or DELETION) on `obj`, done by the user `user_id`."""
    LogEntry.objects.create(
        user_id=user_id,
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=True),
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        action_flag=action,
        change_message=message,
    )
