"""Messages belong to confirmed identities (accounts/history.py): „Pranešimai" and the data export
show the user's own rows and rows to the user's confirmed addresses — never through an address
anyone can type unconfirmed, nor the profile's phone — and every way of deleting a user keeps the
same delivery record."""

import json

import pytest
from allauth.account.models import EmailAddress
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from mokesta.accounts.models import User
from mokesta.conftest import PASSWORD
from mokesta.outbox.models import OutgoingMessage
from mokesta.testing.staff import admin_client

pytestmark = pytest.mark.django_db

GONE = "buves.klientas@example.lt"


def receipt(*, recipient: str, user: User | None = None, channel: str = "email", state="sent"):
    """A message as a deleted user's would be: written to an address, without a user link."""
    return OutgoingMessage.objects.create(
        channel=channel,
        recipient=recipient,
        template="invoice",
        context={"first_name": "Buvęs", "payer_code": "39002150001"},
        dedup_key=f"test:{channel}:{recipient}:{state}:{user.pk if user else 0}",
        state=state,
        sent_at=timezone.now() if state == "sent" else None,
        last_error="550 mailbox full" if state == "failed" else "",
        user=user,
    )


def shown(client: Client, message: OutgoingMessage) -> dict[str, bool]:
    listing = client.get(reverse("inquiries:messages")).content.decode()
    detail = client.get(reverse("inquiries:message", args=[message.pk]))
    export = json.loads(client.get(reverse("accounts:profile_export")).content)
    return {
        "list": reverse("inquiries:message", args=[message.pk]) in listing,
        "detail": detail.status_code == 200,
        "export": any(m["recipient"] == message.recipient for m in export["messages"]),
    }


NOWHERE = {"list": False, "detail": False, "export": False}
EVERYWHERE = {"list": True, "detail": True, "export": True}


def test_an_unconfirmed_address_shows_no_message(alice: User) -> None:
    message = receipt(recipient=GONE)
    address = EmailAddress.objects.create(user=alice, email=GONE, verified=False)
    client = Client()
    client.force_login(alice)
    assert shown(client, message) == NOWHERE
    # The same address, once confirmed, is the user's: the mailbox is theirs.
    address.verified = True
    address.save()
    assert shown(client, message) == EVERYWHERE


def test_a_lookalike_of_a_confirmed_address_shows_nothing(alice: User) -> None:
    message = receipt(recipient="al\u0131ce@example.lt")
    client = Client()
    client.force_login(alice)
    assert shown(client, message) == NOWHERE


def test_the_profile_phone_shows_no_sms(alice: User) -> None:
    alice.phone = "+37061234567"
    alice.save()
    message = receipt(recipient="+37061234567", channel="sms")
    client = Client()
    client.force_login(alice)
    assert shown(client, message) == NOWHERE


def test_the_users_own_rows_are_shown_whatever_their_address(alice: User) -> None:
    message = receipt(recipient="+37069999999", channel="sms", user=alice)
    client = Client()
    client.force_login(alice)
    assert shown(client, message) == EVERYWHERE


def delete_self(user: User, staff: User) -> None:
    client = Client()
    client.force_login(user)
    response = client.post(reverse("accounts:profile_delete"), {"password": PASSWORD})
    assert response.status_code == 302


def delete_in_admin(user: User, staff: User) -> None:
    response = admin_client(staff).post(
        reverse("admin:accounts_user_delete", args=[user.pk]), {"post": "yes"}
    )
    assert response.status_code == 302


def delete_selected_in_admin(user: User, staff: User) -> None:
    response = admin_client(staff).post(
        reverse("admin:accounts_user_changelist"),
        {"action": "delete_selected", "_selected_action": [user.pk], "post": "yes"},
    )
    assert response.status_code == 302


@pytest.mark.parametrize("delete", [delete_self, delete_in_admin, delete_selected_in_admin])
def test_every_deletion_keeps_the_same_delivery_record(alice: User, bob: User, staff: User, delete):
    pending = receipt(recipient=alice.email, user=alice, state="pending")
    failed = receipt(recipient="+37061234567", channel="sms", user=alice, state="failed")
    sent = receipt(recipient=alice.email, user=alice)
    unlinked = receipt(recipient=alice.email)  # written without the link, to her address
    bobs = receipt(recipient=bob.email, user=bob)

    delete(alice, staff)

    assert not User.objects.filter(pk=alice.pk).exists()
    assert not OutgoingMessage.objects.filter(pk__in=[pending.pk, failed.pk]).exists()
    for message in (sent, unlinked):
        message.refresh_from_db()
        assert (message.recipient, message.context, message.last_error) == ("", {}, "")
        assert (message.user, message.state, message.template) == (None, "sent", "invoice")
        assert message.sent_at is not None
    bobs.refresh_from_db()
    assert bobs.recipient == bob.email and bobs.context["first_name"] == "Buvęs"


def test_a_deleted_users_receipts_stay_hidden_from_whoever_adds_the_address(
    alice: User, bob: User, staff: User
) -> None:
    """The finding: staff delete a user; another customer adds that address (unconfirmed) and
    read the receipts. Now the record has no address, and an unconfirmed one matches nothing."""
    sent = receipt(recipient=alice.email, user=alice)
    address = alice.email
    delete_in_admin(alice, staff)
    EmailAddress.objects.create(user=bob, email=address, verified=False)
    client = Client()
    client.force_login(bob)
    sent.refresh_from_db()
    assert shown(client, sent) == NOWHERE
