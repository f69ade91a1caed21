"""The monthly reminder to declare meter readings."""

import datetime as dt
from collections import defaultdict

from django.conf import settings
from django.db.models import Q

from mokesta.accounts.notify import messages_for
from mokesta.customers.models import Contract, ContractAccess
from mokesta.customers.queries import ALLOWED
from mokesta.lib.dates import month_end, month_start
from mokesta.metering.away import away_meters_on
from mokesta.metering.models import Meter
from mokesta.outbox.queue import queue


def queue_reading_reminders(*, today: dt.date) -> list[int]:
    """From READING_REMINDER_DAY of the month on, remind the opted-in users linked to a valid
    contract that has a meter without a reading for this month and not away („Išvykstu"), with a
    role that may declare: by e-mail when the user chose
    e-mail („Gauti sąskaitas el. paštu"), by SMS when the user accepts SMS and gave a phone
    number. Once per user and month (the dedup key), so running it every day from that day on
    (cron) is safe. Returns the ids of the queued messages."""
    if today.day < settings.READING_REMINDER_DAY:
        return []
    month = month_start(today)
    undeclared = (
        Meter.objects.active_on(today)
        .filter(service_point__contract__in=Contract.objects.valid_on(today))
        .exclude(readings__period=month)
        # „Išvykstu": nobody is there to read the meter (metering/away.py).
        .exclude(pk__in=away_meters_on(today).values("pk"))
    )
    accesses = (
        ContractAccess.objects.filter(
            contract__in=undeclared.values("service_point__contract"),
            user__is_active=True,
            # Only those who may declare: holders and „Deklaruoja" members.
            role__in=ALLOWED["declare"],
        )
        .filter(Q(user__invoices_by_email=True) | Q(user__sms_opt_in=True))
        .select_related("user", "contract")
        .order_by("user_id", "contract__number")
    )
    contracts_by_user = defaultdict(list)
    users = {}
    for access in accesses:
        contracts_by_user[access.user_id].append(access.contract.number)
        users[access.user_id] = access.user

    messages = []
    for user_id, contracts in contracts_by_user.items():
        user = users[user_id]
        messages += messages_for(
            user,
            # Only to users who opted in to e-mail; messages_for checks the SMS opt-in.
            email=user.invoices_by_email,
            key=f"reminder:{month:%Y-%m}",
            template="reading-reminder",
            context={
                "first_name": user.first_name,
                "contracts": contracts,
                "month": month.isoformat(),
                "deadline_date": month_end(today).isoformat(),
            },
        )
    return queue(messages)
