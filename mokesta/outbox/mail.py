"""E-mail: render a message from templates in the recipient's language (every e-mail, the
outbox's and the account mails), and send an account mail through the Django Tasks API once the
transaction that caused it has committed.

A message `<prefix>` is three templates: `<prefix>_subject.txt`, `<prefix>_message.txt` and,
optionally, `<prefix>_message.html` — django-allauth's naming, used by every mail: the outbox's
are `emails/<template>_…`, the account mails `account/email/<name>_…`.

Account mails (confirmation links, password reset links, "password changed") do not go through
the outbox table: their links are secrets that must not sit in a table staff can read, they
expire within hours, and a lost one is asked for again by its user.
"""

from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.http import HttpRequest
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import translation
from django_tasks import task

from mokesta.utility.models import Utility


def mail_context(context: dict[str, Any]) -> dict[str, Any]:
    # Every mail is signed with the utility's name and address, also when a worker renders it
    # without a request (and so without the context processors).
    # (The outbox's context already carries them: no second look-up.)
    if "utility" in context:
        return {"site_url": settings.SITE_URL, **context}
    return {"utility": Utility.current(), "site_url": settings.SITE_URL, **context}


def sender() -> str:
    """Every mail's From: the utility's name and MAIL_FROM_ADDRESS, e.g.
    "VšĮ Velžio komunalinis ūkis" <savitarna@velzioku.lt>. The name is quoted (it may hold a
    comma or a dot) and kept to one line."""
    name = " ".join(Utility.current().name.replace('"', "").replace("\\", "").split())
    return f'"{name}" <{settings.MAIL_FROM_ADDRESS}>'


def render_subject(
    template_prefix: str,
    context: dict[str, Any],
    *,
    language: str,
    request: HttpRequest | None = None,
) -> str:
    """The subject line alone (a header is one line)."""
    with translation.override(language):
        subject = render_to_string(f"{template_prefix}_subject.txt", mail_context(context), request)
    return " ".join(subject.split())


def render_email(
    template_prefix: str,
    context: dict[str, Any],
    *,
    to: list[str],
    language: str,
    request: HttpRequest | None = None,
    from_email: str | None = None,
) -> EmailMultiAlternatives:
    context = mail_context(context)
    subject = render_subject(template_prefix, context, language=language, request=request)
    with translation.override(language):
        text = render_to_string(f"{template_prefix}_message.txt", context, request).strip()
        try:
            html = render_to_string(f"{template_prefix}_message.html", context, request).strip()
        except TemplateDoesNotExist:
            html = ""
    message = EmailMultiAlternatives(
        subject,
        text,
        from_email or sender(),
        to,
    )
    if html:
        message.attach_alternative(html, "text/html")
    return message


@task()
def send_email(*, subject: str, text: str, html: str, from_email: str, to: list[str]) -> int:
    message = EmailMultiAlternatives(subject, text, from_email, to)
    if html:
        message.attach_alternative(html, "text/html")
    return message.send()


def queue_email(message: EmailMultiAlternatives) -> None:
    """Send `message` by a task after the current transaction commits (at once outside one):
    a rolled-back registration sends nothing, and a slow mail server never holds a transaction."""
    html = next((body for body, mime in message.alternatives if mime == "text/html"), "")
    subject, text, from_email = str(message.subject), str(message.body), str(message.from_email)
    to = [str(address) for address in message.to]
    transaction.on_commit(
        lambda: send_email.enqueue(
            subject=subject, text=text, html=str(html), from_email=from_email, to=to
        )
    )
