"""Each household role sees and does exactly what it may (issue 22), over every customer page
and action: what a role may not do is not shown, and forcing its URL is a 404."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from mokesta.billing.models import Invoice
from mokesta.conftest import make_user
from mokesta.customers.models import Contract, ContractAccess, Invitation
from mokesta.customers.queries import ALLOWED, allows, user_contract, user_contracts
from mokesta.lib.dates import add_months, local_today, month_start
from mokesta.metering.models import Meter, Reading
from mokesta.outbox.models import OutgoingMessage
from mokesta.portal.invoices import unpaid_amount
from mokesta.testing.factories import add_member, make_invoice
from mokesta.testing.linked_history import make_history

ROLES = ["holder", "view", "declare", "pay"]
VILNIUS = dt.timezone(dt.timedelta(hours=2))
MID_MONTH = dt.datetime(2026, 11, 16, 10, 0, tzinfo=VILNIUS)


@dataclass
class Household:
    contract: Contract
    meter: Meter
    reading: Reading
    invoice: Invoice  # an unpaid one
    member: ContractAccess  # carol's, a „Peržiūra" member the holder may change or remove
    invitation: Invitation


@pytest.fixture
def household(alice, settings) -> Household:
    settings.PAYMENT_PROVIDER = "demo"  # „Apmokėti" on
    history = make_history(alice, 1)
    contract = history["contract"]
    invoice = make_invoice(contract, month=add_months(month_start(local_today()), -5))
    invoice = next(
        i for i in [invoice, history["invoice"], *contract.invoices.all()] if unpaid_amount(i) > 0
    )
    carol = make_user("carol@example.lt", "Karolina", "Kairytė")
    member = add_member(contract, carol, "view")
    invitation = Invitation.objects.create(
        contract=contract,
        email="dana@example.lt",
        role="view",
        invited_by=alice,
        token_hash="0" * 64,
        expires_at=MID_MONTH + dt.timedelta(days=14),
    )
    return Household(contract, history["meter"], history["reading"], invoice, member, invitation)


@dataclass(frozen=True)
class Case:
    name: str
    action: str  # customers.queries.ALLOWED's key
    method: str
    url: Callable[[Household], str]
    data: Callable[[Household], dict] = lambda h: {}


def _c(h: Household) -> list[int]:
    return [h.contract.pk]


CASES = [
    # Every page of a contract: each role sees it.
    Case("contract", "see", "get", lambda h: reverse("customers:contract", args=_c(h))),
    Case("dashboard", "see", "get", lambda h: reverse("portal:dashboard")),
    Case("meter", "see", "get", lambda h: reverse("metering:meter", args=[h.meter.pk])),
    Case("reading", "see", "get", lambda h: reverse("metering:reading", args=[h.reading.pk])),
    Case("consumption", "see", "get", lambda h: reverse("metering:consumption", args=_c(h))),
    Case(
        "consumption csv", "see", "get", lambda h: reverse("metering:consumption_csv", args=_c(h))
    ),
    Case("invoices", "see", "get", lambda h: reverse("billing:list")),
    Case("invoice", "see", "get", lambda h: reverse("billing:detail", args=[h.invoice.pk])),
    Case("invoice pdf", "see", "get", lambda h: reverse("billing:pdf", args=[h.invoice.pk])),
    Case("payments", "see", "get", lambda h: reverse("payments:list", args=_c(h))),
    Case("messages", "see", "get", lambda h: reverse("inquiries:messages")),
    Case("requests", "see", "get", lambda h: reverse("inquiries:list")),
    # Declaring, requests, meters' names, „Išvykstu": holders and „Deklaruoja".
    Case("declare page", "declare", "get", lambda h: reverse("metering:declare", args=_c(h))),
    Case(
        "declare",
        "declare",
        "post",
        lambda h: reverse("metering:declare", args=_c(h)),
        lambda h: {"month": "2026-11-01", f"meter_{h.meter.pk}": "999"},
    ),
    Case("declare pick", "declare", "get", lambda h: reverse("metering:declare_pick")),
    Case("new request", "declare", "get", lambda h: reverse("inquiries:new")),
    Case(
        "rename meter",
        "declare",
        "post",
        lambda h: reverse("customers:rename_meter", args=[h.contract.pk, h.meter.pk]),
        lambda h: {"name": "Virtuvė"},
    ),
    Case("away page", "away", "get", lambda h: reverse("customers:away", args=_c(h))),
    Case(
        "away",
        "away",
        "post",
        lambda h: reverse("customers:away", args=_c(h)),
        lambda h: {
            "away-starts_on": "2026-12-01",
            "away-ends_on": "2027-02-28",
            **{f"away-meter_{m.pk}": "999" for m in h.meter.service_point.meters.all()},
        },
    ),
    # Paying: holders and „Moka".
    Case("pay contract", "pay", "get", lambda h: reverse("payments:pay", args=_c(h))),
    Case(
        "pay invoice", "pay", "get", lambda h: reverse("payments:pay_invoice", args=[h.invoice.pk])
    ),
    # „Prieiga": holders only.
    Case(
        "invite",
        "manage",
        "post",
        lambda h: reverse("customers:invite", args=_c(h)),
        lambda h: {"invite-email": "eva@example.lt", "invite-role": "view"},
    ),
    Case(
        "change role",
        "manage",
        "post",
        lambda h: reverse("customers:change_role", args=[h.contract.pk, h.member.pk]),
        lambda h: {"role": "pay"},
    ),
    Case(
        "remove member",
        "manage",
        "post",
        lambda h: reverse("customers:remove_member", args=[h.contract.pk, h.member.pk]),
    ),
    Case(
        "cancel invitation",
        "manage",
        "post",
        lambda h: reverse("customers:cancel_invitation", args=[h.contract.pk, h.invitation.pk]),
    ),
]


def test_every_action_of_the_rule_is_in_the_table():
    assert {case.action for case in CASES} == set(ALLOWED)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
@time_machine.travel(MID_MONTH, tick=False)
def test_each_role_does_exactly_what_it_may(client, bob, household, role, case):
    add_member(household.contract, bob, role)
    client.force_login(bob)
    send = client.get if case.method == "get" else client.post
    response = send(case.url(household), case.data(household))
    if allows(role, case.action):
        assert response.status_code in (200, 302), response.status_code
        if response.status_code == 302:
            assert "/prisijungti" not in response["Location"]
    else:
        assert response.status_code == 404, response.status_code


# What each page shows, by role: (page, text that stands for the action, action).
SHOWN = [
    ("contract", 'href="/savitarna/sutartys/{pk}/rodmenys/"', "declare"),
    ("contract", 'href="/savitarna/sutartys/{pk}/apmoketi/"', "pay"),
    ("contract", 'href="/savitarna/sutartys/{pk}/isvykstu/"', "away"),
    ("contract", 'action="/savitarna/sutartys/{pk}/prieiga/pakviesti/"', "manage"),
    ("contract", "/pavadinimas/", "declare"),  # the meters' names form
    ("dashboard", 'href="/savitarna/sutartys/{pk}/rodmenys/"', "declare"),
    ("dashboard", 'href="/savitarna/sutartys/{pk}/apmoketi/"', "pay"),
    ("invoice", "/apmoketi/", "pay"),
    ("invoices", "/apmoketi/", "pay"),
    ("requests", 'href="/savitarna/uzklausos/nauja/"', "declare"),
]


@pytest.mark.parametrize("role", ROLES)
@time_machine.travel(MID_MONTH, tick=False)
def test_what_a_role_may_not_do_is_not_shown(client, bob, household, role):
    add_member(household.contract, bob, role)
    client.force_login(bob)
    pages = {case.name: case for case in CASES}
    for page, text, action in SHOWN:
        html = client.get(pages[page].url(household)).content.decode()
        shown = text.format(pk=household.contract.pk) in html
        assert shown == allows(role, action), (page, text)
    html = client.get(reverse("customers:contract", args=[household.contract.pk])).content
    assert ("Pakviesti" in html.decode()) == (role == "holder")
    assert "Prieiga" in html.decode()  # everyone sees the section: their role, and „leave"


@pytest.mark.parametrize("role", ROLES)
def test_the_query_layer_answers_per_action(bob, household, role):
    add_member(household.contract, bob, role)
    for action in ALLOWED:
        linked = user_contracts(bob, action).filter(pk=household.contract.pk).exists()
        assert linked == allows(role, action)
        if allows(role, action):
            assert user_contract(bob, household.contract.pk, action).user_role == role
        else:
            with pytest.raises(Exception, match="404|Http404|^$"):
                user_contract(bob, household.contract.pk, action)


@time_machine.travel(MID_MONTH, tick=False)
def test_a_member_removed_mid_session_gets_404_on_the_next_request(alice, bob, household):
    add_member(household.contract, bob, "declare")
    member, holder = Client(), Client()
    member.force_login(bob)
    holder.force_login(alice)
    urls = [
        reverse("customers:contract", args=[household.contract.pk]),
        reverse("metering:declare", args=[household.contract.pk]),
        reverse("billing:detail", args=[household.invoice.pk]),
        reverse("billing:pdf", args=[household.invoice.pk]),
        reverse("metering:meter", args=[household.meter.pk]),
        reverse("payments:list", args=[household.contract.pk]),
    ]
    assert all(member.get(url).status_code == 200 for url in urls)
    access = ContractAccess.objects.get(user=bob)
    removed = holder.post(
        reverse("customers:remove_member", args=[household.contract.pk, access.pk])
    )
    assert removed.status_code == 302
    assert [member.get(url).status_code for url in urls] == [404] * len(urls)


@time_machine.travel(MID_MONTH, tick=False)
def test_the_message_history_follows_the_roles(client, alice, bob, household):
    access = add_member(household.contract, bob, "view")
    message = OutgoingMessage.objects.create(
        channel="email",
        recipient=bob.email,
        template="invoice",
        context={"first_name": "Bronius"},
        dedup_key="invoice-test:bob",
        user=bob,
        invoice=household.invoice,
    )
    client.force_login(bob)
    detail = reverse("inquiries:message", args=[message.pk])
    assert client.get(detail).status_code == 200
    access.delete()
    assert client.get(detail).status_code == 404
    assert message.pk not in [
        row[0].pk for row in client.get(reverse("inquiries:messages")).context["rows"]
    ]
