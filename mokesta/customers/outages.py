"""Outage notices: a news item (news.Article) naming the streets a water interruption affects
and its period. Who is affected is decided here, once, for the e-mail/SMS and for the dashboard:
a service point whose address contains one of the streets (case and spacing ignored), of a
contract valid today, linked to the user.

`notify_outage` queues the notice through the outbox for each affected user who accepts
messages (e-mail: „Sąskaitas gauti el. paštu"; SMS: „Sutinku gauti SMS"); the dedup key
`outage:<article>` makes it once per user and channel however often it runs
(`manage.py send_outage_notices`, e.g. every 10 minutes from cron)."""

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from mokesta.accounts.models import User
from mokesta.accounts.notify import messages_for
from mokesta.customers.models import Contract, ContractAccess, ServicePoint
from mokesta.lib.dates import local_today
from mokesta.lib.names import greeting_name
from mokesta.news.models import Article
from mokesta.outbox.queue import queue


def _folded(text: str) -> str:
    return " ".join(text.split()).casefold()


def affects(address: str, streets: Iterable[str]) -> bool:
    """Whether `address` lies on one of `streets` (the rule both the mail and the page use)."""
    folded = _folded(address)
    return any(_folded(street) in folded for street in streets if street.strip())


def affected_users(article: Article) -> list[User]:
    """The active users linked to a valid contract with a service point on the article's
    streets."""
    streets = article.street_list
    if not streets:
        return []
    near = Q()
    for street in streets:
        near |= Q(address__icontains=street.strip())
    points = ServicePoint.objects.filter(near).filter(
        contract__in=Contract.objects.valid_on(local_today())
    )
    # icontains folds only ASCII on SQLite: the rule in Python decides.
    contracts = {point.contract_id for point in points if affects(point.address, streets)}
    user_ids = ContractAccess.objects.filter(contract_id__in=contracts).values("user_id")
    return list(User.objects.filter(pk__in=user_ids, is_active=True).order_by("pk"))


def _local(moment: dt.datetime | None) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}" if moment else ""


def notify_outage(article: Article) -> int:
    """Queue the notice to every affected user who accepts messages (once each: the dedup key);
    returns how many of its messages wait to be sent."""
    messages = []
    for user in affected_users(article):
        messages += messages_for(
            user,
            email=user.invoices_by_email,
            key=f"outage:{article.pk}",
            template="outage-notice",
            context={
                "first_name": greeting_name(user),
                "title": article.title,
                "summary": article.summary,
                "slug": article.slug,
                "from": _local(article.affects_from),
                "until": _local(article.affects_until),
            },
        )
    with transaction.atomic():
        return len(queue(messages))


def notify_current_outages() -> int:
    """notify_outage() for every published outage notice that has not ended."""
    return sum(notify_outage(article) for article in Article.objects.current_outages())
