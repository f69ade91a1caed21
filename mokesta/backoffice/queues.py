"""The work queues the admin index shows first, with their counts: what is waiting for staff.
Each queue is shown to whoever may open its list, and links to that list filtered to it."""

from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from mokesta.bank.models import StatementImport
from mokesta.inquiries.models import Inquiry
from mokesta.outbox.models import OutgoingMessage
from mokesta.payments.models import UnmatchedPayment


@dataclass(frozen=True)
class Queue:
    label: Promise
    count: int
    url: str


def _queue(
    request: HttpRequest,
    label: Promise,
    rows: QuerySet,
    permission: str,
    url_name: str,
    query: dict[str, str],
) -> list[Queue]:
    if not request.user.has_perm(permission):
        return []
    url = reverse(url_name)
    if query:
        url += "?" + urlencode(query)
    return [Queue(label, rows.count(), url)]


def work_queues(request: HttpRequest) -> list[Queue]:
    """One count query per queue the user may see (four at most)."""
    waiting_imports = (StatementImport.State.QUEUED, StatementImport.State.RUNNING)
    return [
        *_queue(
            request,
            _("Unanswered requests"),
            Inquiry.objects.filter(awaiting_answer=True, state__in=Inquiry.OPEN_STATES),
            "inquiries.view_inquiry",
            "admin:inquiries_inquiry_changelist",
            {"awaiting_answer__exact": "1"},
        ),
        *_queue(
            request,
            _("Unmatched payments"),
            UnmatchedPayment.objects.all(),
            "payments.view_unmatchedpayment",
            "admin:payments_unmatchedpayment_changelist",
            {},
        ),
        *_queue(
            request,
            _("Statement imports waiting"),
            StatementImport.objects.filter(state__in=waiting_imports),
            "bank.view_statementimport",
            "admin:bank_statementimport_changelist",
            {},
        ),
        *_queue(
            request,
            _("Messages that failed"),
            OutgoingMessage.objects.filter(state=OutgoingMessage.State.FAILED),
            "messaging.view_outgoingmessage",
            "admin:messaging_outgoingmessage_changelist",
            {"state__exact": OutgoingMessage.State.FAILED},
        ),
    ]
