"""Submitting a request, the conversation about it, and the customer's notifications."""

import datetime as dt

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from mokesta.accounts.models import User
from mokesta.accounts.notify import messages_for
from mokesta.billing.models import Invoice
from mokesta.customers.models import Contract
from mokesta.inquiries.models import Inquiry, InquiryMessage, InquiryPhoto
from mokesta.inquiries.photos import CleanPhoto
from mokesta.lib.audit import ADDITION, CHANGE, audit
from mokesta.lib.names import greeting_name
from mokesta.outbox.queue import queue

# New requests a user may submit in a day (a clerk reads each one).
DAILY_LIMIT = 10


def wait_before_next(user: User) -> int:
    """Seconds until `user` may submit another request (0: now): DAILY_LIMIT a rolling day,
    counted in the database, so every process agrees."""
    now = timezone.now()
    recent = list(
        Inquiry.objects.filter(user=user, created_at__gte=now - dt.timedelta(days=1))
        .order_by("-created_at")
        .values_list("created_at", flat=True)[:DAILY_LIMIT]
    )
    if len(recent) < DAILY_LIMIT:
        return 0
    return int((recent[-1] + dt.timedelta(days=1) - now).total_seconds()) + 1


def submit_inquiry(
    *,
    user: User,
    contract: Contract,
    topic: str,
    text: str,
    photos: list[CleanPhoto],
    invoice: Invoice | None = None,
    moving_date: dt.date | None = None,
    final_readings: list[dict] | None = None,
) -> Inquiry:
    with transaction.atomic():
        inquiry = Inquiry.objects.create(
            contract=contract,
            user=user,
            topic=topic,
            invoice=invoice,
            moving_date=moving_date,
            final_readings=final_readings or [],
        )
        InquiryMessage.objects.create(inquiry=inquiry, author=user, text=text)
        for number, photo in enumerate(photos, 1):
            row = InquiryPhoto(inquiry=inquiry, content_type=photo.content_type)
            row.image.save(
                f"{inquiry.pk}-{number}.{photo.extension}", ContentFile(photo.content), save=False
            )
            row.save()
        audit(user, inquiry, ADDITION, "Submitted by the customer in the self-service")
        # The acknowledgement, in the same transaction: once per request (its dedup key).
        queue(
            messages_for(
                user,
                email=True,  # the customer wrote: the receipt goes to them whatever their opt-ins
                key=f"inquiry:{inquiry.pk}:received",
                template="inquiry-received",
                context={"first_name": greeting_name(user), "inquiry": inquiry.pk, "topic": topic},
            )
        )
    return inquiry


def add_customer_message(*, inquiry: Inquiry, user: User, text: str) -> InquiryMessage:
    with transaction.atomic():
        message = InquiryMessage.objects.create(inquiry=inquiry, author=user, text=text)
        Inquiry.objects.filter(pk=inquiry.pk).update(
            awaiting_answer=True, updated_at=timezone.now()
        )
        audit(user, inquiry, CHANGE, "The customer added a message")
    return message


def answer(
    *, inquiry: Inquiry, staff: User, text: str = "", state: str | None = None, reason: str = ""
) -> None:
    """A staff answer and/or a change of state. The customer is told by e-mail (and SMS when
    they accept SMS) through the outbox, in the same transaction."""
    changed = state is not None and state != inquiry.state
    if not text and not changed:
        return
    with transaction.atomic():
        message = None
        if text:
            message = InquiryMessage.objects.create(
                inquiry=inquiry, author=staff, from_staff=True, text=text
            )
        if state is not None and changed:
            inquiry.state = state
            if state == Inquiry.State.REJECTED:
                inquiry.rejection_reason = reason
        inquiry.awaiting_answer = False
        inquiry.save()
        _notify(inquiry, message)


def _notify(inquiry: Inquiry, message: InquiryMessage | None) -> None:
    user = inquiry.user
    if user is None or not user.is_active:
        return
    event = f"message:{message.pk}" if message else f"state:{inquiry.state}:{timezone.now():%s%f}"
    queue(
        messages_for(
            user,
            email=True,  # the customer asked: the answer goes to them whatever their opt-ins
            key=f"inquiry:{inquiry.pk}:{event}",
            template="inquiry-answer",
            context={
                "first_name": user.first_name,
                "inquiry": inquiry.pk,
                "state": inquiry.state,
                "answer": message.text if message else "",
                "reason": inquiry.rejection_reason
                if inquiry.state == Inquiry.State.REJECTED
                else "",
            },
        )
    )
