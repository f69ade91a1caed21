"""The messages a user has asked for: e-mail when they chose it, SMS when they accept SMS and
gave a phone number, in their language."""

from typing import Any

from mokesta.accounts.models import User
from mokesta.outbox.models import OutgoingMessage


def messages_for(
    user: User,
    *,
    email: bool,
    key: str,
    template: str,
    context: dict,
    invoice: Any = None,  # a billing.Invoice: its PDF is attached
) -> list[OutgoingMessage]:
    """The e-mail to `user` (when `email`) and the SMS (when the user accepts SMS and gave a
    phone number), in the user's language, with dedup keys `<key>:email|sms:<user id>`."""
    common = {
        "template": template,
        "context": context,
        "language": user.language,
        "user": user,
        "invoice": invoice,
    }
    messages = []
    if email and user.email:
        messages.append(
            OutgoingMessage(
                channel=OutgoingMessage.Channel.EMAIL,
                recipient=user.email,
                dedup_key=f"{key}:email:{user.pk}",
                **common,
            )
        )
    if user.sms_opt_in and user.phone:
        messages.append(
            OutgoingMessage(
                channel=OutgoingMessage.Channel.SMS,
                recipient=str(user.phone),
                dedup_key=f"{key}:sms:{user.pk}",
                **common,
            )
        )
    return messages
