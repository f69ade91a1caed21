"""The conversation: staff answer in the back office, the customer is told and may write back
while the request is open."""

import pytest
from django.contrib.admin.models import LogEntry
from django.core import mail
from django.test import Client
from django.urls import reverse

from mokesta.accounts.models import User
from mokesta.inquiries.models import Inquiry
from mokesta.inquiries.workflow import submit_inquiry
from mokesta.outbox.models import OutgoingMessage

from .conftest import Setup


@pytest.fixture
def inquiry(alice: User, home: Setup) -> Inquiry:
    return submit_inquiry(
        user=alice, contract=home.contract, topic="meter_broken", text="Sugedo.", photos=[]
    )


def change_url(inquiry: Inquiry) -> str:
    return reverse("admin:inquiries_inquiry_change", args=[inquiry.pk])


def admin_form(inquiry: Inquiry, **fields: object) -> dict[str, object]:
    data: dict[str, object] = {
        "state": inquiry.state,
        "assigned_to": "",
        "rejection_reason": "",
        "answer": "",
        "photos-TOTAL_FORMS": 0,
        "photos-INITIAL_FORMS": 0,
    }
    # The read-only inline of the conversation still posts its management form and row ids.
    ids = list(inquiry.messages.values_list("pk", flat=True))
    data["messages-TOTAL_FORMS"] = data["messages-INITIAL_FORMS"] = len(ids)
    for index, pk in enumerate(ids):
        data[f"messages-{index}-id"] = pk
        data[f"messages-{index}-inquiry"] = inquiry.pk
    data.update(fields)
    return data


def test_staff_answer_reaches_the_customer_by_e_mail_and_on_the_page(
    client: Client, alice: User, staff: User, inquiry: Inquiry, django_capture_on_commit_callbacks
) -> None:
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            change_url(inquiry),
            admin_form(inquiry, state="in_progress", answer="Atvyksime pirmadienį."),
        )

    assert response.status_code == 302
    inquiry.refresh_from_db()
    assert inquiry.state == Inquiry.State.IN_PROGRESS and not inquiry.awaiting_answer
    [email] = mail.outbox
    assert email.to == [alice.email]
    assert "Atvyksime pirmadienį." in email.body
    assert f"Jūsų užklausa Nr. {inquiry.pk}" in email.subject
    assert LogEntry.objects.filter(change_message__startswith="Answered the customer").exists()

    client.force_login(alice)
    page = client.get(reverse("inquiries:detail", args=[inquiry.pk])).content.decode()
    assert "Atvyksime pirmadienį." in page and "Vykdoma" in page


def test_an_sms_too_when_the_customer_accepts_sms(
    client: Client, alice: User, staff: User, inquiry: Inquiry
) -> None:
    alice.sms_opt_in, alice.phone = True, "+37061234567"
    alice.save()
    client.force_login(staff)
    client.post(change_url(inquiry), admin_form(inquiry, answer="Gerai."))

    channels = set(OutgoingMessage.objects.values_list("channel", flat=True))
    assert channels == {"email", "sms"}


def test_a_rejection_needs_a_reason(client: Client, staff: User, inquiry: Inquiry) -> None:
    client.force_login(staff)
    refused = client.post(change_url(inquiry), admin_form(inquiry, state="rejected"))
    assert refused.status_code == 200
    assert "Nurodykite, kodėl užklausa atmetama" in refused.content.decode()
    assert not OutgoingMessage.objects.exclude(template="inquiry-received").exists()

    client.post(
        change_url(inquiry),
        admin_form(inquiry, state="rejected", rejection_reason="Ne mūsų tinklas."),
    )
    inquiry.refresh_from_db()
    assert inquiry.state == Inquiry.State.REJECTED
    answered = OutgoingMessage.objects.get(template="inquiry-answer")
    assert answered.context["reason"] == "Ne mūsų tinklas."


def test_assigning_alone_tells_the_customer_nothing(
    client: Client, staff: User, inquiry: Inquiry
) -> None:
    client.force_login(staff)
    client.post(change_url(inquiry), admin_form(inquiry, assigned_to=staff.pk))
    inquiry.refresh_from_db()
    assert inquiry.assigned_to == staff
    assert not OutgoingMessage.objects.exclude(template="inquiry-received").exists()


def test_the_customer_writes_back_while_open_and_not_after(
    client: Client, alice: User, staff: User, inquiry: Inquiry
) -> None:
    url = reverse("inquiries:detail", args=[inquiry.pk])
    client.force_login(alice)
    assert client.post(url, {"text": ""}).status_code == 200  # required, shown next to the field
    client.post(url, {"text": "Dar vienas klausimas."})
    assert inquiry.messages.count() == 2

    client.force_login(staff)
    client.post(change_url(inquiry), admin_form(inquiry, state="resolved"))
    client.force_login(alice)
    closed = client.post(url, {"text": "Dar?"}, follow=True)
    assert "Ši užklausa uždaryta" in closed.content.decode()
    assert inquiry.messages.count() == 2


def test_the_queue_puts_unanswered_first_then_oldest(
    client: Client, alice: User, staff: User, home: Setup
) -> None:
    first = submit_inquiry(user=alice, contract=home.contract, topic="other", text="1", photos=[])
    second = submit_inquiry(user=alice, contract=home.contract, topic="other", text="2", photos=[])
    Inquiry.objects.filter(pk=first.pk).update(awaiting_answer=False)

    client.force_login(staff)
    page = client.get(reverse("admin:inquiries_inquiry_changelist")).content.decode()
    assert page.index(f"#{second.pk}") < page.index(f"#{first.pk}")
    filtered = client.get(
        reverse("admin:inquiries_inquiry_changelist") + "?topic=other&state=submitted"
    )
    assert filtered.status_code == 200


def test_a_moving_request_shows_the_clerk_the_readings_to_enter(
    client: Client, alice: User, staff: User, home: Setup
) -> None:
    inquiry = submit_inquiry(
        user=alice,
        contract=home.contract,
        topic="moving",
        text="Išsikraustau.",
        photos=[],
        final_readings=[{"meter": home.meter.pk, "serial": home.meter.serial_number, "value": 321}],
    )
    client.force_login(staff)
    page = client.get(change_url(inquiry)).content.decode()
    assert f"{home.meter.serial_number}: 321 m³" in page
