"""Which of the outbox's messages are a user's („Pranešimai", the data export), and what is kept
of them when the user is deleted — by any path: the self-service deletion, the back office's
delete page or its "delete selected" action (a pre_delete receiver, connected in apps.py)."""

from collections.abc import Iterable
from typing import Any

from allauth.account.models import EmailAddress
from django.db.models import Q, QuerySet

from mokesta.accounts.identity import email_key
from mokesta.accounts.models import User
from mokesta.outbox.models import OutgoingMessage


def confirmed_addresses(user: User, verified: Iterable[str] | None = None) -> set[str]:
    """The user's confirmed addresses, as written and as identity keys (`verified`: the
    addresses, when the caller has read them already)."""
    addresses = verified
    if addresses is None:
        addresses = EmailAddress.objects.filter(user=user, verified=True).values_list(
            "email", flat=True
        )
    return {form for address in addresses for form in (address, email_key(address))}


def user_messages(user: User, verified: Iterable[str] | None = None) -> QuerySet[OutgoingMessage]:
    """The user's e-mails and SMS: the rows written for the user, and rows written without a user
    to one of the user's *confirmed* addresses. Never by an unconfirmed address (anyone can type
    one) nor by the profile's phone (not verified): those would show someone else's mail."""
    return OutgoingMessage.objects.filter(
        Q(user=user)
        | Q(
            user__isnull=True,
            channel=OutgoingMessage.Channel.EMAIL,
            recipient__in=confirmed_addresses(user, verified),
        )
    )


def forget_messages(user: User) -> None:
    """Unsent messages are dropped (nobody to send them to any more). Sent ones stay, as the
    utility's record that e.g. an invoice was delivered (channel, template, invoice, dates), but
    without the address, the personal details in the context and errors that may quote the
    address; the user link is cleared by the foreign key (SET_NULL) when the user row goes."""
    messages = user_messages(user)
    messages.exclude(state=OutgoingMessage.State.SENT).delete()
    messages.filter(state=OutgoingMessage.State.SENT).update(
        recipient="", context={}, last_error=""
    )


def on_user_deleted(sender: Any, instance: User, **kwargs: Any) -> None:
    """pre_delete of a User: the delivery record is treated the same whoever deletes."""
    forget_messages(instance)
