"""Invitations to a contract's household (issue 22): single use, 14 days, only for the invited
confirmed address, limited per contract per day; every change audited and mailed to holders."""

import datetime as dt
import re

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.contrib.admin.models import LogEntry
from django.core.cache import cache
from django.urls import reverse

from mokesta.conftest import make_user
from mokesta.customers import linking
from mokesta.customers.models import ContractAccess, Invitation
from mokesta.outbox.models import OutgoingMessage
from mokesta.testing.factories import add_member, make_contract

VILNIUS = dt.timezone(dt.timedelta(hours=2))
NOW = dt.datetime(2026, 11, 10, 10, 0, tzinfo=VILNIUS)


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()  # the invitation limit is counted in the cache
    yield
    cache.clear()


@pytest.fixture
def contract(alice):
    return make_contract(user=alice)


def invite(client, holder, contract, email="bob@example.lt", role="declare"):
    client.force_login(holder)
    response = client.post(
        reverse("customers:invite", args=[contract.pk]),
        {"invite-email": email, "invite-role": role},
    )
    if response.status_code == 302:
        client.get(response["Location"])  # shows (and so uses up) the holder's flash message
    return response


def link_of(email: str) -> str:
    message = OutgoingMessage.objects.filter(
        template="household-invitation", recipient=email
    ).latest("pk")
    path = message.context["link"]
    assert re.fullmatch(r"/savitarna/kvietimas/[A-Za-z0-9_-]{43}/", path)
    return path


def holder_mail(event: str) -> list[OutgoingMessage]:
    return [
        m
        for m in OutgoingMessage.objects.filter(template="household-change")
        if m.context["event"] == event
    ]


@time_machine.travel(NOW, tick=False)
def test_the_invited_person_accepts_once_and_gets_the_role(client, alice, bob, contract):
    assert invite(client, alice, contract).status_code == 302
    invitation = Invitation.objects.get()
    assert invitation.expires_at == NOW + dt.timedelta(days=14)
    link = link_of("bob@example.lt")
    # Only the token's hash is stored.
    assert link.split("/")[-2] not in invitation.token_hash
    client.force_login(bob)
    page = client.get(link)
    assert page.status_code == 200
    assert contract.number in page.content.decode()
    assert not ContractAccess.objects.filter(user=bob).exists()  # GET gives nothing
    assert client.post(link).status_code == 302
    access = ContractAccess.objects.get(user=bob)
    assert (access.role, access.via, access.invited_by) == ("declare", "invitation", alice)
    assert holder_mail("joined")[0].recipient == "alice@example.lt"
    assert LogEntry.objects.filter(change_message__contains="Accepted the invitation").exists()
    # Reused: refused, and nothing changes.
    again = client.post(link)
    assert again.status_code == 404
    assert "nebegalioja" in again.content.decode() or "negalioja" in again.content.decode()


def test_an_expired_invitation_is_refused(client, alice, bob, contract):
    with time_machine.travel(NOW, tick=False):
        invite(client, alice, contract)
    link = link_of("bob@example.lt")
    client.force_login(bob)
    with time_machine.travel(NOW + dt.timedelta(days=14, seconds=1), tick=False):
        assert client.get(link).status_code == 404
        assert client.post(link).status_code == 404
    assert not ContractAccess.objects.filter(user=bob).exists()
    with time_machine.travel(NOW + dt.timedelta(days=13), tick=False):
        assert client.post(link).status_code == 302  # still valid the day before


def test_an_unknown_or_cancelled_token_is_refused(client, alice, bob, contract):
    invite(client, alice, contract)
    link = link_of("bob@example.lt")
    invitation = Invitation.objects.get()
    client.post(reverse("customers:cancel_invitation", args=[contract.pk, invitation.pk]))
    client.force_login(bob)
    assert client.post(link).status_code == 404
    assert client.get("/savitarna/kvietimas/" + "x" * 43 + "/").status_code == 404


def test_an_invitation_to_another_accounts_address_is_refused_without_naming_it(
    client, alice, bob, contract
):
    carol = make_user("carol@example.lt", "Karolina", "Kairytė")
    invite(client, alice, contract, email="carol@example.lt")
    link = link_of("carol@example.lt")
    client.force_login(bob)  # Bob opens Carol's link
    for response in (client.get(link), client.post(link)):
        assert response.status_code == 403
        text = response.content.decode()
        assert "carol@example.lt" not in text and contract.number not in text
        assert "kitu el. pašto adresu" in text
    assert not ContractAccess.objects.filter(contract=contract, user=bob).exists()
    assert Invitation.objects.get().accepted_at is None  # still Carol's to accept
    client.force_login(carol)
    assert client.post(link).status_code == 302


def test_an_unconfirmed_address_does_not_accept(client, alice, bob, contract):
    EmailAddress.objects.create(user=bob, email="bronius@example.lt", verified=False)
    invite(client, alice, contract, email="bronius@example.lt")
    client.force_login(bob)
    assert client.post(link_of("bronius@example.lt")).status_code == 403
    EmailAddress.objects.filter(email="bronius@example.lt").update(verified=True)
    assert client.post(link_of("bronius@example.lt")).status_code == 302


def test_the_link_asks_to_log_in_first(client, alice, contract):
    invite(client, alice, contract)
    client.logout()
    link = link_of("bob@example.lt")
    response = client.get(link)
    assert response.status_code == 302
    assert "next=" in response["Location"] and "kvietimas" in response["Location"]


def test_invitations_per_contract_per_day_are_limited(client, alice, contract, settings):
    for n in range(5):
        assert invite(client, alice, contract, email=f"n{n}@example.lt").status_code == 302
    refused = invite(client, alice, contract, email="n6@example.lt")
    assert refused.status_code == 429
    assert Invitation.objects.count() == 5


def test_only_the_holder_invites(client, alice, bob, contract):
    for role in ("view", "declare", "pay"):
        ContractAccess.objects.filter(user=bob).delete()
        add_member(contract, bob, role)
        assert invite(client, bob, contract, email="x@example.lt").status_code == 404
    assert not Invitation.objects.exists()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"invite-email": "", "invite-role": "view"}, "email", "Įveskite"),
        ({"invite-email": "ne-adresas", "invite-role": "view"}, "email", "Įveskite"),
        ({"invite-email": "b@example.lt", "invite-role": "holder"}, "role", "Pasirinkite"),
        ({"invite-email": "b@example.lt", "invite-role": "admin"}, "role", "Pasirinkite"),
    ],
)
def test_a_wrong_invitation_form_is_refused_next_to_the_field(
    client, alice, contract, data, field, message
):
    client.force_login(alice)
    response = client.post(reverse("customers:invite", args=[contract.pk]), data)
    assert response.status_code == 400
    errors = response.context["invite_form"].errors[field]
    assert any(message in error for error in errors)
    assert f'id="id_invite-{field}_error"' in response.content.decode()
    assert not Invitation.objects.exists()


def test_the_holder_changes_a_role_and_removes_a_member(client, alice, bob, contract):
    access = add_member(contract, bob, "view")
    client.force_login(alice)
    url = reverse("customers:change_role", args=[contract.pk, access.pk])
    assert client.post(url, {"role": "pay"}).status_code == 302
    access.refresh_from_db()
    assert access.role == "pay"
    assert client.post(url, {"role": "holder"}).status_code == 302  # refused with a message
    access.refresh_from_db()
    assert access.role == "pay"
    assert holder_mail("role")
    client.post(reverse("customers:remove_member", args=[contract.pk, access.pk]))
    assert not ContractAccess.objects.filter(user=bob).exists()
    assert holder_mail("removed")
    assert LogEntry.objects.filter(change_message__contains="removed by").exists()


def test_a_holder_cannot_change_or_remove_another_holder(client, alice, bob, contract):
    other = ContractAccess.objects.create(user=bob, contract=contract, via="code")
    client.force_login(alice)
    for name, data in (("change_role", {"role": "view"}), ("remove_member", {})):
        url = reverse(f"customers:{name}", args=[contract.pk, other.pk])
        assert client.post(url, data).status_code == 404
    assert ContractAccess.objects.get(user=bob).role == "holder"


def test_a_member_leaves(client, alice, bob, contract):
    add_member(contract, bob, "declare")
    client.force_login(bob)
    assert client.post(reverse("customers:unlink", args=[contract.pk])).status_code == 302
    assert not ContractAccess.objects.filter(user=bob).exists()
    assert holder_mail("left")[0].recipient == "alice@example.lt"


def test_linking_with_the_code_makes_a_member_a_holder_too(rf, alice, bob, contract):
    add_member(contract, bob, "view")
    request = rf.post("/")
    request.user = bob
    linking.link_by_code(
        request=request,
        user=bob,
        number=contract.number,
        payer_code=contract.customer.payer_code,
    )
    assert ContractAccess.objects.get(user=bob).role == "holder"
    assert ContractAccess.objects.get(user=alice).role == "holder"  # both hold it
    assert {m.recipient for m in holder_mail("holder")} == {"alice@example.lt", "bob@example.lt"}


def test_existing_links_are_holders_after_the_migration():
    # The migration adds the field with the holder as its default: every older row holds.
    field = ContractAccess._meta.get_field("role")
    assert field.default == ContractAccess.Role.HOLDER
