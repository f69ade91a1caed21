"""The request form by topic: each topic's part headed by when it applies (site.js shows only the
chosen one), the emergency phone next to „Avarija / nuotėkis", an acknowledgement through the
outbox (once), the photo inside a page."""

from django.test import Client
from django.urls import reverse

from mokesta.accounts.models import User
from mokesta.inquiries.models import Inquiry
from mokesta.outbox.models import OutgoingMessage
from mokesta.utility.models import Utility

from .conftest import Setup, png_bytes, upload

NEW = reverse("inquiries:new")


def test_each_topics_part_is_marked_and_headed_by_when_it_applies(
    client: Client, alice: User, home: Setup
) -> None:
    client.force_login(alice)
    html = client.get(NEW).content.decode()
    assert '<fieldset class="field" data-topic="invoice">' in html
    assert '<fieldset class="field" data-topic="moving">' in html
    # Without the script both show, each headed by when it applies.
    assert html.index('data-topic="invoice"') < html.index(
        "</legend>", html.index('data-topic="invoice"')
    )


def test_the_emergency_topic_offers_the_emergency_phone(
    client: Client, alice: User, home: Setup
) -> None:
    Utility.objects.create(name="VšĮ Velžio komunalinis ūkis", emergency_phone="+370 45 55 555")
    client.force_login(alice)
    html = client.get(NEW).content.decode()
    link = '<a class="button" href="tel:+3704555555">+370 45 55 555</a>'
    assert link in html
    assert html.index("Avarija") < html.index(link)
    assert 'href="tel:+3704555555"' in client.get(reverse("portal:help")).content.decode()


def test_a_request_is_acknowledged_through_the_outbox_once(
    client: Client, alice: User, home: Setup
) -> None:
    client.force_login(alice)
    data = {"contract": home.contract.pk, "topic": Inquiry.Topic.OTHER, "text": "Klausimas."}
    assert client.post(NEW, data).status_code == 302
    inquiry = Inquiry.objects.get()
    (message,) = OutgoingMessage.objects.filter(template="inquiry-received")
    assert message.recipient == alice.email
    assert message.dedup_key == f"inquiry:{inquiry.pk}:received:email:{alice.pk}"
    assert message.context["inquiry"] == inquiry.pk


def test_a_photo_opens_inside_a_page(client: Client, alice: User, bob: User, home: Setup) -> None:
    client.force_login(alice)
    data = {
        "contract": home.contract.pk,
        "topic": Inquiry.Topic.METER_BROKEN,
        "text": "Stiklas įskilęs.",
        "photos": [upload("a.png", png_bytes())],
    }
    client.post(NEW, data)
    photo = Inquiry.objects.get().photos.get()
    detail = client.get(reverse("inquiries:detail", args=[photo.inquiry_id])).content.decode()
    page_url = reverse("inquiries:photo_page", args=[photo.pk])
    assert page_url in detail
    page = client.get(page_url).content.decode()
    assert f'<img src="{reverse("inquiries:photo", args=[photo.pk])}"' in page
    assert "Atsijungti" in page  # the site's page, not a bare image
    client.force_login(bob)
    assert client.get(page_url).status_code == 404
