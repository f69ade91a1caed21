"""Sending the outbox. Several workers may run at once and any may die mid-way, so each message
is first claimed in a short transaction (a row lock on PostgreSQL, skipping rows another worker
holds; on SQLite, BEGIN IMMEDIATE lets one writer claim at a time), marked "sending" with the
claim time, sent, then marked "sent". A message left in "sending" longer than CLAIM_TIMEOUT (its
worker died) is taken again; a failure is retried with growing pauses, MAX_ATTEMPTS times in all.

A worker that dies after the provider accepted a message but before marking it sent leaves the
one window where a message can go out twice; nothing short of the provider's own idempotency
keys closes it, and it is as narrow as one network round trip.
"""

import datetime as dt
import logging
from collections.abc import Callable, Iterable
from decimal import Decimal

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from mokesta.outbox.mail import render_email, render_subject
from mokesta.outbox.models import OutgoingMessage
from mokesta.outbox.sms import send_sms
from mokesta.utility.models import Utility

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
CLAIM_TIMEOUT = dt.timedelta(minutes=10)
# Pause after the n-th failed attempt before the next one.
BACKOFF = [dt.timedelta(minutes=m) for m in (1, 5, 30, 120)]
BATCH_SIZE = 50
SMTP_TIMEOUT_SECONDS = 30

State = OutgoingMessage.State

Attachment = tuple[str, bytes, str]  # file name, content, MIME type
# Apps whose messages carry files add a function here from their AppConfig.ready() (billing: the
# invoice PDF); the outbox itself knows nothing of what it sends.
ATTACHMENT_PROVIDERS: list[Callable[[OutgoingMessage], list[Attachment]]] = []


def _due(now: dt.datetime) -> Q:
    return Q(state=State.PENDING, next_attempt_at__lte=now) | Q(
        state=State.SENDING, claimed_at__lt=now - CLAIM_TIMEOUT
    )


def claim(*, ids: Iterable[int] | None = None, limit: int = BATCH_SIZE) -> list[OutgoingMessage]:
    """Take up to `limit` due messages (of `ids`, when given) for this worker."""
    now = timezone.now()
    with transaction.atomic():
        rows = OutgoingMessage.objects.select_for_update(skip_locked=True).filter(_due(now))
        if ids is not None:
            rows = rows.filter(pk__in=list(ids))
        taken = list(rows.order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:limit])
        if not taken:
            return []
        OutgoingMessage.objects.filter(pk__in=taken).update(
            state=State.SENDING, claimed_at=now, attempts=F("attempts") + 1
        )
    return list(
        OutgoingMessage.objects.filter(pk__in=taken, claimed_at=now)
        .select_related("invoice")
        .order_by("pk")
    )


def send_due(*, ids: Iterable[int] | None = None, batch_size: int = BATCH_SIZE) -> int:
    """Send due messages (of `ids`, when given) batch by batch until none is left.
    Returns how many were sent by this call."""
    sent = 0
    ids = list(ids) if ids is not None else None
    while batch := claim(ids=ids, limit=batch_size):
        sent += send_batch(batch)
    return sent


def send_batch(messages: list[OutgoingMessage]) -> int:
    sent = 0
    # One SMTP connection for the batch, opened by the first e-mail (open() is a no-op after);
    # a time limit, so that a silent server cannot hold the batch past CLAIM_TIMEOUT.
    connection = get_connection(fail_silently=False, timeout=SMTP_TIMEOUT_SECONDS)
    try:
        for index, message in enumerate(messages):
            if timezone.now() - message.claimed_at > CLAIM_TIMEOUT / 2:  # type: ignore[operator]
                # Slow going: hand the rest back before another worker takes this one for dead.
                _release(messages[index:])
                break
            if message.attempts > MAX_ATTEMPTS:
                # Taken again after its worker died on the last allowed attempt.
                _give_up(message, message.last_error or "worker stopped while sending")
                continue
            try:
                if message.channel == OutgoingMessage.Channel.EMAIL:
                    email = build_email(message, connection=connection)
                    connection.open()
                    email.send()
                else:
                    send_sms(to=message.recipient, text=render_sms(message))
            except Exception as error:  # any failure is recorded on the row and retried
                logger.warning("message %s failed: %s", message.pk, error)
                connection.close()  # a broken SMTP session must not fail the rest of the batch
                _failed(message, f"{type(error).__name__}: {error}")
                continue
            OutgoingMessage.objects.filter(pk=message.pk, claimed_at=message.claimed_at).update(
                state=State.SENT, sent_at=timezone.now(), last_error=""
            )
            sent += 1
    finally:
        connection.close()
    return sent


def _release(messages: list[OutgoingMessage]) -> None:
    OutgoingMessage.objects.filter(
        pk__in=[message.pk for message in messages], claimed_at=messages[0].claimed_at
    ).update(state=State.PENDING, claimed_at=None, attempts=F("attempts") - 1)


def _failed(message: OutgoingMessage, error: str) -> None:
    if message.attempts >= MAX_ATTEMPTS:
        _give_up(message, error)
        return
    pause = BACKOFF[min(message.attempts, len(BACKOFF)) - 1]
    OutgoingMessage.objects.filter(pk=message.pk, claimed_at=message.claimed_at).update(
        state=State.PENDING, last_error=error[:2000], next_attempt_at=timezone.now() + pause
    )


def _give_up(message: OutgoingMessage, error: str) -> None:
    OutgoingMessage.objects.filter(pk=message.pk, claimed_at=message.claimed_at).update(
        state=State.FAILED, last_error=error[:2000]
    )


def _typed_context(message: OutgoingMessage) -> dict[str, object]:
    """The stored JSON context with dates and amounts turned back into values, so templates
    format them in the recipient's language (12,34 in Lithuanian, 12.34 in English)."""
    context: dict[str, object] = dict(message.context)
    for key, value in message.context.items():
        if key.endswith("_date") or key == "month":
            context[key] = dt.date.fromisoformat(value)
        elif key.startswith("amount"):
            context[key] = Decimal(value)
    context["utility"] = Utility.fresh()  # what the documents say now
    context["site_url"] = settings.SITE_URL
    context["language"] = message.language
    return context


def render_sms(message: OutgoingMessage) -> str:
    with translation.override(message.language):
        text = render_to_string(f"sms/{message.template}.txt", _typed_context(message))
    return " ".join(text.split())


def _render_email(message: OutgoingMessage) -> EmailMultiAlternatives:
    return render_email(
        f"emails/{message.template}",
        _typed_context(message),
        to=[message.recipient],
        language=message.language,
    )


def build_email(
    message: OutgoingMessage, *, connection: BaseEmailBackend | None = None
) -> EmailMultiAlternatives:
    """The e-mail for `message`, rendered in the recipient's language from
    emails/<template>_subject.txt, _message.txt and _message.html."""
    email = _render_email(message)
    email.connection = connection
    for provider in ATTACHMENT_PROVIDERS:
        for name, content, mimetype in provider(message):
            email.attach(name, content, mimetype)
    return email


def preview(message: OutgoingMessage) -> tuple[str, str]:
    """The subject (an SMS has none) and the plain text of `message` as its recipient got it,
    for the customer's message history; no attachment is made."""
    if message.channel == OutgoingMessage.Channel.SMS:
        return "", render_sms(message)
    email = _render_email(message)
    return str(email.subject), str(email.body)


def subject_of(message: OutgoingMessage) -> str:
    """The subject of an e-mail (an SMS has none) without rendering its body: the history's
    list shows only this."""
    if message.channel == OutgoingMessage.Channel.SMS:
        return ""
    return render_subject(
        f"emails/{message.template}", _typed_context(message), language=message.language
    )
