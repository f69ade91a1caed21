"""„Pranešimai", the data export and the account deletion."""

import json

from django.test import Client
from django.urls import reverse

from mokesta.accounts.models import User
from mokesta.conftest import PASSWORD
from mokesta.inquiries.models import Inquiry
from mokesta.inquiries.photos import CleanPhoto
from mokesta.inquiries.workflow import answer, submit_inquiry
from mokesta.outbox.models import OutgoingMessage
from mokesta.testing.photos import png_bytes

from .conftest import Setup


def test_the_history_lists_every_message_newest_first_with_its_text(
    client: Client, alice: User, staff: User, home: Setup
) -> None:
    inquiry = submit_inquiry(user=alice, contract=home.contract, topic="other", text="?", photos=[])
    answer(inquiry=inquiry, staff=staff, text="Pirmas atsakymas.")
    answer(inquiry=inquiry, staff=staff, text="Antras atsakymas.")
    first, second = OutgoingMessage.objects.filter(template="inquiry-answer").order_by("pk")

    client.force_login(alice)
    page = client.get(reverse("inquiries:messages")).content.decode()
    detail = client.get(reverse("inquiries:message", args=[first.pk])).content.decode()

    assert page.index(reverse("inquiries:message", args=[second.pk])) < page.index(
        reverse("inquiries:message", args=[first.pk])
    )
    assert f"Jūsų užklausa Nr. {inquiry.pk}" in page
    assert "el. paštas" in page and "laukia" in page
    assert "Pirmas atsakymas." in detail and "Antras atsakymas." not in detail


def test_the_export_includes_the_requests(
    client: Client, alice: User, staff: User, home: Setup
) -> None:
    photos = [CleanPhoto(png_bytes(), "image/png", "png") for _ in range(2)]
    inquiry = submit_inquiry(
        user=alice, contract=home.contract, topic="emergency", text="Teka.", photos=photos
    )
    answer(inquiry=inquiry, staff=staff, text="Atvykstame.")
    client.force_login(alice)
    data = json.loads(client.get(reverse("accounts:profile_export")).content)
    [request] = data["requests"]
    assert request["topic"] == "emergency"
    assert [m["text"] for m in request["messages"]] == ["Teka.", "Atvykstame."]
    assert request["photos"] == 2


def test_deleting_the_account_keeps_the_request_with_the_contract(
    client: Client, alice: User, home: Setup
) -> None:
    inquiry = submit_inquiry(user=alice, contract=home.contract, topic="other", text="?", photos=[])
    client.force_login(alice)
    client.post(reverse("accounts:profile_delete"), {"password": PASSWORD})

    inquiry = Inquiry.objects.get(pk=inquiry.pk)
    assert not User.objects.filter(email="alice@example.lt").exists()
    assert inquiry.user is None and inquiry.contract == home.contract
    assert inquiry.messages.get().author is None
