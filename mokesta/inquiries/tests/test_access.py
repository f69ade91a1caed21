"""Every request, photo and message URL: only its owner (staff see photos in the back office);
a visitor is sent to the login page."""

import pytest
from django.test import Client
from django.urls import reverse

from mokesta.accounts.models import User
from mokesta.inquiries.models import Inquiry
from mokesta.inquiries.photos import CleanPhoto
from mokesta.inquiries.workflow import submit_inquiry
from mokesta.outbox.models import OutgoingMessage

from .conftest import Setup, png_bytes


@pytest.fixture
def objects(alice: User, home: Setup) -> dict[str, object]:
    inquiry = submit_inquiry(
        user=alice,
        contract=home.contract,
        topic="other",
        text="Klausimas",
        photos=[CleanPhoto(png_bytes(), "image/png", "png")],
    )
    message = OutgoingMessage.objects.create(
        channel="email",
        recipient=alice.email,
        template="inquiry-answer",
        user=alice,
        dedup_key="t:1",
        context={"inquiry": inquiry.pk, "state": "submitted", "first_name": "Alė"},
    )
    return {"inquiry": inquiry, "photo": inquiry.photos.get(), "message": message}


OBJECT_URLS = [
    ("inquiries:detail", "inquiry"),
    ("inquiries:photo", "photo"),
    ("inquiries:message", "message"),
]
PLAIN_URLS = ["inquiries:list", "inquiries:new", "inquiries:messages"]


@pytest.mark.parametrize(("name", "key"), OBJECT_URLS)
def test_another_user_gets_404_and_a_visitor_the_login_page(
    client: Client, bob: User, objects, name, key
) -> None:
    url = reverse(name, args=[objects[key].pk])
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    client.force_login(bob)
    assert client.get(url).status_code == 404
    assert client.post(url, {"text": "x"}).status_code in {404, 405}


@pytest.mark.parametrize(("name", "key"), OBJECT_URLS)
def test_the_owner_sees_it(client: Client, alice: User, objects, name, key) -> None:
    client.force_login(alice)
    response = client.get(reverse(name, args=[objects[key].pk]))
    assert response.status_code == 200


@pytest.mark.parametrize("name", PLAIN_URLS)
def test_a_visitor_is_sent_to_log_in(client: Client, name) -> None:
    response = client.get(reverse(name))
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


def test_the_photo_is_served_privately_to_the_owner_only(
    client: Client, alice: User, staff: User, objects
) -> None:
    url = reverse("inquiries:photo", args=[objects["photo"].pk])
    client.force_login(alice)
    response = client.get(url)
    assert response["Content-Type"] == "image/png"
    assert response["Cache-Control"] == "private, no-store"
    assert response.getvalue().startswith(b"\x89PNG")
    # Staff open it in the back office, behind the second factor
    # (mokesta/backoffice/tests/test_staff_outside_admin.py).
    client.force_login(staff)
    assert client.get(url).status_code == 404


def test_a_list_shows_only_the_users_own(client: Client, bob: User, objects) -> None:
    client.force_login(bob)
    assert (
        f"Nr. {objects['inquiry'].pk}" not in client.get(reverse("inquiries:list")).content.decode()
    )
    assert "Užklausa" not in client.get(reverse("inquiries:messages")).content.decode()
    assert Inquiry.objects.count() == 1
