import pytest
from django.contrib.auth.models import Permission

from mokesta.conftest import make_user
from mokesta.outbox.models import OutgoingMessage

from .conftest import REMINDER_CONTEXT

pytestmark = pytest.mark.django_db

URL = "/admin/messaging/outgoingmessage/"


def message(key: str, state: str = "pending", **extra: object) -> OutgoingMessage:
    defaults: dict[str, object] = {
        "channel": "email",
        "recipient": f"{key}@example.lt",
        "template": "reading-reminder",
        "context": REMINDER_CONTEXT,
        "dedup_key": key,
        "state": state,
    }
    defaults.update(extra)
    return OutgoingMessage.objects.create(**defaults)


def test_staff_see_the_outbox_in_lithuanian_filtered_by_state_and_channel(client, staff) -> None:
    message("ona", "failed", last_error="SMTPServerDisconnected")
    message("jonas", "pending", channel="sms", recipient="+37061234567")
    client.force_login(staff)
    response = client.get(URL, {"state": "failed"})
    assert response.status_code == 200 and 'value="retry"' in response.text
    assert "Siunčiami pranešimai" in response.text
    assert "ona@example.lt" in response.text and "+37061234567" not in response.text
    response = client.get(URL, {"channel": "sms"})
    assert "+37061234567" in response.text and "ona@example.lt" not in response.text


def test_staff_find_a_message_by_recipient(client, staff) -> None:
    message("ona")
    message("jonas")
    client.force_login(staff)
    response = client.get(URL, {"q": "jonas@"})
    assert "jonas@example.lt" in response.text and "ona@example.lt" not in response.text


def test_a_message_cannot_be_edited_added_or_deleted(client, staff) -> None:
    row = message("ona")
    client.force_login(staff)
    assert client.get(f"{URL}add/").status_code == 403
    assert client.post(f"{URL}{row.pk}/change/", {"recipient": "x@example.lt"}).status_code == 403
    assert client.post(f"{URL}{row.pk}/delete/", {"post": "yes"}).status_code == 403
    row.refresh_from_db()
    assert row.recipient == "ona@example.lt"


def test_customers_cannot_open_the_outbox(client, alice) -> None:
    message("ona")
    client.force_login(alice)
    response = client.get(URL)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_retry_sends_a_failed_message_again_and_leaves_sent_ones_alone(
    client, staff, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    failed = message("ona", "failed", attempts=5, last_error="Infobip HTTP 500")
    sent = message("jonas", "pending")
    OutgoingMessage.objects.filter(pk=sent.pk).update(state="sent", sent_at=failed.created_at)
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            URL,
            {"action": "retry", "_selected_action": [failed.pk, sent.pk]},
            follow=True,
        )
    assert "1 pranešimas bus išsiųstas dar kartą." in response.text
    failed.refresh_from_db()
    assert failed.state == "sent" and failed.attempts == 1
    assert [m.to for m in mailoutbox] == [["ona@example.lt"]]  # the sent one did not go again


def test_staff_who_may_only_view_messages_cannot_retry(client, mailoutbox) -> None:
    viewer = make_user("viewer@example.lt", "Vida", "Žiūrėtoja", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_outgoingmessage"))
    failed = message("ona", "failed")
    client.force_login(viewer)
    page = client.get(URL)
    assert page.status_code == 200 and 'value="retry"' not in page.text
    client.post(URL, {"action": "retry", "_selected_action": [failed.pk]})
    failed.refresh_from_db()
    assert failed.state == "failed"
    assert mailoutbox == []
