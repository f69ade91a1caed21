import datetime as dt
import json
import re

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from mokesta.accounts.models import ApiToken, User
from mokesta.accounts.tokens import create_token
from mokesta.conftest import PASSWORD
from mokesta.customers.models import ContractAccess
from mokesta.metering.models import Reading
from mokesta.outbox.models import OutgoingMessage
from mokesta.testing.factories import add_readings, make_contract, make_invoice, make_meter


def test_it_edits_name_phone_and_opt_ins(client, alice):
    client.force_login(alice)
    response = client.post(
        reverse("accounts:profile"),
        {
            "first_name": "Aldona",
            "last_name": "Žemaitienė",
            "phone": "8 612 34567",
            "invoices_by_email": "on",
            "sms_opt_in": "on",
        },
    )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert (alice.first_name, alice.last_name, str(alice.phone)) == (
        "Aldona",
        "Žemaitienė",
        "+37061234567",
    )
    assert alice.invoices_by_email and alice.sms_opt_in


def test_it_rejects_a_wrong_phone_number(client, alice):
    client.force_login(alice)
    response = client.post(
        reverse("accounts:profile"),
        {"first_name": "Alė", "last_name": "Žemaitė", "phone": "12ab"},
    )
    assert response.status_code == 200
    assert "phone" in response.context["form"].errors
    alice.refresh_from_db()
    assert not alice.phone


def test_it_requires_a_name(client, alice):
    client.force_login(alice)
    response = client.post(reverse("accounts:profile"), {"first_name": "", "last_name": ""})
    errors = response.context["form"].errors
    assert errors["first_name"] == ["Šis laukas yra privalomas."]
    assert errors["last_name"] == ["Šis laukas yra privalomas."]


@pytest.mark.parametrize(
    ("phone", "message"),
    [
        ("", "Norėdami gauti SMS žinutes, įveskite telefono numerį."),
        # A wrong number gets its own message only, not the SMS one as well.
        ("12ab", "Įveskite teisingą telefono numerį, pvz., +370 612 34567 arba 8 612 34567."),
    ],
)
def test_sms_needs_a_phone_number(client, alice, phone, message):
    client.force_login(alice)
    response = client.post(
        reverse("accounts:profile"),
        {"first_name": "Alė", "last_name": "Žemaitė", "phone": phone, "sms_opt_in": "on"},
    )
    assert response.context["form"].errors["phone"] == [message]
    alice.refresh_from_db()
    assert not alice.sms_opt_in


def test_the_page_links_the_email_and_password_changes(client, alice):
    client.force_login(alice)
    content = client.get(reverse("accounts:profile")).content.decode()
    assert reverse("account_email") in content
    assert reverse("account_change_password") in content


def test_an_email_change_takes_effect_after_confirmation_and_tells_the_old_address(
    client, alice, committed
):
    client.force_login(alice)
    with committed():
        client.post(reverse("account_email"), {"email": "ale.nauja@example.lt", "action_add": ""})
    alice.refresh_from_db()
    assert alice.email == "alice@example.lt"  # not before it is confirmed
    assert [m.to for m in mail.outbox] == [["ale.nauja@example.lt"]]
    key = re.search(r"/paskyra/confirm-email/([^/\s]+)/", mail.outbox[0].body).group(1)
    mail.outbox.clear()
    with committed():
        client.post(reverse("account_confirm_email", args=[key]))
    alice.refresh_from_db()
    assert alice.email == "ale.nauja@example.lt"
    assert list(EmailAddress.objects.filter(user=alice).values_list("email", flat=True)) == [
        "ale.nauja@example.lt"
    ]
    assert ["alice@example.lt"] in [m.to for m in mail.outbox]


def test_the_password_change_requires_the_current_password(client, alice):
    client.force_login(alice)
    client.post(
        reverse("account_change_password"),
        {"oldpassword": "neteisingas", "password1": "Naujas2žodis", "password2": "Naujas2žodis"},
    )
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD)
    client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": "Naujas2žodis", "password2": "Naujas2žodis"},
    )
    alice.refresh_from_db()
    assert alice.check_password("Naujas2žodis")


def test_it_downloads_my_data_as_json(client, alice, bob):
    contract = make_contract(user=alice)
    meter = make_meter(contract)
    Reading.objects.create(
        meter=meter, period=dt.date(2026, 3, 1), value=120, source="customer", created_by=alice
    )
    add_readings(meter, last_month=dt.date(2026, 1, 1), count=1)  # staff's, not hers
    token, raw = create_token(user=alice, name="Namai", scope=ApiToken.Scope.READ, days=30)
    create_token(user=bob, name="Bobo", scope=ApiToken.Scope.READ, days=30)
    client.force_login(alice)
    response = client.get(reverse("accounts:profile_export"))
    assert response["Content-Disposition"] == 'attachment; filename="mano-duomenys.json"'
    data = json.loads(response.content)
    assert data["user"]["email"] == "alice@example.lt"
    assert data["user"]["first_name"] == "Alė"
    assert [(c["contract"], c["role"]) for c in data["linked_contracts"]] == [
        (contract.number, "holder")
    ]
    assert [(t["name"], t["prefix"], t["scope"]) for t in data["api_tokens"]] == [
        ("Namai", token.prefix, "read")
    ]
    assert (
        raw not in response.content.decode() and token.token_hash not in response.content.decode()
    )
    assert data["declared_readings"] == [
        {
            "meter": meter.serial_number,
            "month": "2026-03",
            "value_m3": 120,
            "at": data["declared_readings"][0]["at"],
        }
    ]
    assert "bob@example.lt" not in response.content.decode()


def test_deleting_the_account_asks_for_the_password(client, alice):
    client.force_login(alice)
    response = client.post(reverse("accounts:profile_delete"), {"password": "neteisingas"})
    assert response.context["form"].errors["password"] == ["Slaptažodis neteisingas."]
    assert User.objects.filter(pk=alice.pk).exists()


def test_deleting_the_account_needs_post(client, alice):
    client.force_login(alice)
    assert client.get(reverse("accounts:profile_delete")).status_code == 200
    assert User.objects.filter(pk=alice.pk).exists()


def test_deleting_the_account_keeps_the_billing_records(client, alice):
    contract = make_contract(user=alice)
    meter = make_meter(contract)
    reading = Reading.objects.create(
        meter=meter, period=dt.date(2026, 3, 1), value=120, source="customer", created_by=alice
    )
    invoice = make_invoice(contract, month=dt.date(2026, 3, 1))
    client.force_login(alice)
    response = client.post(reverse("accounts:profile_delete"), {"password": PASSWORD})
    assert response.status_code == 302
    assert not User.objects.filter(pk=alice.pk).exists()
    assert not EmailAddress.objects.filter(email="alice@example.lt").exists()
    assert not ContractAccess.objects.filter(contract=contract).exists()
    reading.refresh_from_db()
    assert reading.created_by is None and reading.value == 120
    invoice.refresh_from_db()
    assert invoice.contract == contract
    # logged out
    assert client.get(reverse("portal:dashboard")).status_code == 302


def make_message(user, *, state="pending", channel="email", recipient=None, invoice=None, key=""):
    sent = state == "sent"
    return OutgoingMessage.objects.create(
        channel=channel,
        recipient=recipient or (user.email if user else "nobody@example.lt"),
        template="invoice",
        context={"first_name": "Alė", "payer_code": "39002150001"},
        dedup_key=key or f"test:{state}:{channel}:{recipient}:{user.pk if user else 0}",
        state=state,
        last_error="550 <alice@example.lt>: mailbox full" if state == "failed" else "",
        sent_at=timezone.now() if sent else None,
        user=user,
        invoice=invoice,
    )


def test_deleting_the_account_drops_unsent_messages_and_strips_sent_ones(client, alice, bob):
    contract = make_contract(user=alice)
    invoice = make_invoice(contract, month=dt.date(2026, 3, 1))
    pending = make_message(alice)
    failed = make_message(alice, state="failed", channel="sms", recipient="+37061234567")
    sent = make_message(alice, state="sent", invoice=invoice)
    # written without the user link, to her address (e.g. before a link existed)
    unlinked = make_message(None, state="sent", recipient="alice@example.lt", key="unlinked")
    bobs = make_message(bob, state="sent")
    client.force_login(alice)
    client.post(reverse("accounts:profile_delete"), {"password": PASSWORD})

    assert not OutgoingMessage.objects.filter(pk__in=[pending.pk, failed.pk]).exists()
    for message in (sent, unlinked):
        message.refresh_from_db()
        assert (message.recipient, message.context, message.user) == ("", {}, None)
        assert (message.state, message.template) == ("sent", "invoice")
    # the record that the invoice was delivered, and when, stays
    assert sent.invoice == invoice and sent.sent_at is not None
    bobs.refresh_from_db()
    assert bobs.recipient == "bob@example.lt" and bobs.context["first_name"] == "Alė"


def test_my_data_includes_my_messages(client, alice, bob):
    make_message(alice, state="sent")
    make_message(bob, state="sent")
    client.force_login(alice)
    data = json.loads(client.get(reverse("accounts:profile_export")).content)
    assert [
        (m["channel"], m["recipient"], m["template"], m["state"], m["sent_at"] is not None)
        for m in data["messages"]
    ] == [("email", "alice@example.lt", "invoice", "sent", True)]
    assert data["messages"][0]["created_at"]


NAME_ERROR = "Naudokite tik raides; jas gali skirti tarpai, brūkšneliai ir apostrofai."


def test_it_rejects_markup_and_digits_in_names_next_to_the_fields(client, alice):
    client.force_login(alice)
    response = client.post(
        reverse("accounts:profile"), {"first_name": "<b>1234</b>", "last_name": "Petr0vas"}
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["first_name"] == [NAME_ERROR]
    assert errors["last_name"] == [NAME_ERROR]
    content = response.content.decode()
    # The message sits between the field's label and its input (and in the summary on top).
    label = content.index('<label for="id_first_name">')
    assert content.index(NAME_ERROR) < label  # the error summary
    assert (
        label < content.index(NAME_ERROR, label) < content.index('id="id_first_name"', label + 30)
    )
    alice.refresh_from_db()
    assert alice.first_name != "<b>1234</b>"


def test_it_rejects_names_longer_than_the_database_keeps(client, alice):
    client.force_login(alice)
    response = client.post(
        reverse("accounts:profile"), {"first_name": "A" * 61, "last_name": "B" * 81}
    )
    errors = response.context["form"].errors
    assert "first_name" in errors and "last_name" in errors


def test_it_accepts_lithuanian_and_joined_names(client, alice):
    client.force_login(alice)
    response = client.post(
        reverse("accounts:profile"),
        {"first_name": "Ūla Ąžuolė", "last_name": "Čiurlionytė-O'Brien", "phone": "+370 612 34567"},
    )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert (alice.first_name, alice.last_name) == ("Ūla Ąžuolė", "Čiurlionytė-O'Brien")


TOO_MANY = "Per daug bandymų. Palaukite minutę ir bandykite dar kartą."


def test_deleting_the_account_stops_guessing_the_password(client, alice, bob):
    client.force_login(alice)
    delete = reverse("accounts:profile_delete")
    with time_machine.travel(dt.datetime(2026, 5, 4, 10, 0, tzinfo=dt.UTC), tick=False):
        for _attempt in range(10):
            response = client.post(delete, {"password": "neteisingas"})
            assert response.context["form"].errors["password"] == ["Slaptažodis neteisingas."]
        # The right password no longer helps within the minute.
        response = client.post(delete, {"password": PASSWORD})
        assert response.status_code == 200
        assert response.context["form"].errors["password"] == [TOO_MANY]
        assert TOO_MANY in response.content.decode()
        assert User.objects.filter(pk=alice.pk).exists()
        # The limit is per user: bob is not held up by alice's attempts.
        client.force_login(bob)
        assert client.post(delete, {"password": "neteisingas"}).context["form"].errors[
            "password"
        ] == ["Slaptažodis neteisingas."]
    client.force_login(alice)
    with time_machine.travel(dt.datetime(2026, 5, 4, 10, 1, 1, tzinfo=dt.UTC), tick=False):
        response = client.post(delete, {"password": PASSWORD})
    assert response.status_code == 302
    assert not User.objects.filter(pk=alice.pk).exists()


def test_the_delete_page_says_what_is_kept_of_sent_messages(client, alice):
    client.force_login(alice)
    content = client.get(reverse("accounts:profile_delete")).content.decode()
    assert "be jūsų adreso ir asmens duomenų" in content
