"""„Nauja užklausa": what a customer may submit, and what each wrong value does."""

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from PIL import Image

from mokesta.accounts.models import User
from mokesta.inquiries.models import Inquiry, InquiryPhoto
from mokesta.inquiries.workflow import DAILY_LIMIT
from mokesta.testing.factories import make_contract, make_invoice

from .conftest import Setup, bomb_png, jpeg_with_location, png_bytes, upload

NEW = reverse("inquiries:new")


def form(home: Setup, **overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "contract": home.contract.pk,
        "topic": Inquiry.Topic.METER_BROKEN,
        "text": "Skaitiklio stiklas įskilęs, rodmenų nematyti.",
    }
    data.update(overrides)
    return data


def errors_of(response) -> str:
    return response.content.decode()


def test_a_broken_meter_request_with_a_photo_is_submitted(
    client: Client, alice: User, home: Setup
) -> None:
    client.force_login(alice)
    response = client.post(NEW, form(home, photos=[upload("skaitiklis.png", png_bytes())]))

    inquiry = Inquiry.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("inquiries:detail", args=[inquiry.pk])
    assert inquiry.state == Inquiry.State.SUBMITTED and inquiry.user == alice
    assert inquiry.messages.get().text.startswith("Skaitiklio stiklas")
    photo = inquiry.photos.get()
    assert photo.content_type == "image/png"
    listing = client.get(reverse("inquiries:list")).content.decode()
    assert "Pateikta" in listing and "Sugedo skaitiklis" in listing


def test_exif_location_is_stripped(client: Client, alice: User, home: Setup, private_media) -> None:
    client.force_login(alice)
    client.post(NEW, form(home, photos=[upload("a.jpg", jpeg_with_location(), "image/jpeg")]))

    photo = InquiryPhoto.objects.get()
    assert str(private_media) in photo.image.path  # outside the published folders
    with Image.open(photo.image.path) as image:
        assert image.format == "JPEG"
        assert dict(image.getexif()) == {}
        assert "exif" not in image.info


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ([upload("tekstas.jpg", b"%PDF-1.4 not a photo", "image/jpeg")], "nėra JPEG ar PNG"),
        ([upload("didele.png", png_bytes() + b"\0" * (6 * 1024 * 1024))], "didesnė nei 5 MB"),
        ([upload(f"{n}.png", png_bytes()) for n in range(4)], "ne daugiau kaip 3"),
        ([upload("bomba.png", bomb_png())], "per daug taškų"),
        ([upload("bomba2.png", bomb_png(9000, 9000))], "per daug taškų"),
        (
            [upload("animacija.gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "image/gif")],
            "nėra JPEG",
        ),
    ],
    ids=["renamed-pdf", "6-mb", "4-files", "bomb", "bomb-under-pillow-limit", "gif"],
)
def test_a_wrong_photo_is_refused_next_to_the_field_and_nothing_is_saved(
    client: Client, alice: User, home: Setup, private_media, files, message
) -> None:
    client.force_login(alice)
    response = client.post(NEW, form(home, photos=files))

    assert response.status_code == 200
    assert message in errors_of(response)
    assert 'id="id_photos_error"' in errors_of(response)
    assert not Inquiry.objects.exists() and not InquiryPhoto.objects.exists()
    assert list(private_media.iterdir()) == []


def test_text_is_required_and_at_most_4000_characters(
    client: Client, alice: User, home: Setup
) -> None:
    client.force_login(alice)
    empty = client.post(NEW, form(home, text=""))
    long = client.post(NEW, form(home, text="a" * 4001))

    assert "Šis laukas yra privalomas" in errors_of(empty)
    assert "4000" in errors_of(long)
    assert client.post(NEW, form(home, text="a" * 4000)).status_code == 302


def test_the_text_is_escaped(client: Client, alice: User, home: Setup) -> None:
    client.force_login(alice)
    client.post(NEW, form(home, text='<script>alert("x")</script>'))

    page = client.get(reverse("inquiries:detail", args=[Inquiry.objects.get().pk]))
    assert b'<script>alert("x")</script>' not in page.content
    assert b"&lt;script&gt;" in page.content


def test_another_users_contract_is_refused(
    client: Client, alice: User, bob: User, home: Setup
) -> None:
    foreign = make_contract(user=bob)
    client.force_login(alice)
    response = client.post(NEW, form(home, contract=foreign.pk))
    assert "Pasirinkite tinkamą" in errors_of(response)
    assert not Inquiry.objects.exists()


def test_a_disputed_invoice_must_be_chosen_and_be_of_the_contract(
    client: Client, alice: User, home: Setup
) -> None:
    other = make_contract(user=alice, address="Beržų g. 2, Krekenava")
    other_invoice = make_invoice(other, month=dt.date(2026, 10, 1))
    client.force_login(alice)

    missing = client.post(NEW, form(home, topic="invoice"))
    wrong = client.post(NEW, form(home, topic="invoice", invoice=other_invoice.pk))
    right = client.post(NEW, form(home, topic="invoice", invoice=home.invoice.pk))

    assert "Pasirinkite sąskaitą" in errors_of(missing)
    assert "ne pasirinktos sutarties" in errors_of(wrong)
    assert right.status_code == 302
    assert Inquiry.objects.get().invoice == home.invoice


def test_a_move_needs_the_date_and_every_final_reading_by_the_declaration_rules(
    client: Client, alice: User, home: Setup
) -> None:
    client.force_login(alice)
    field = f"final_{home.meter.pk}"
    floor = home.meter.readings.order_by("-period").values_list("value", flat=True)[0]

    missing = client.post(NEW, form(home, topic="moving"))
    lower = client.post(
        NEW, form(home, topic="moving", moving_date="2026-11-30", **{field: floor - 1})
    )
    letters = client.post(
        NEW, form(home, topic="moving", moving_date="2026-11-30", **{field: "12a"})
    )
    good = client.post(
        NEW, form(home, topic="moving", moving_date="2026-11-30", **{field: floor + 4})
    )

    assert "Įveskite persikraustymo datą" in errors_of(missing)
    assert "Įveskite galutinius skaitiklio rodmenis" in errors_of(missing)
    assert "negali būti mažesni už ankstesnius" in errors_of(lower)
    assert "sveiką skaičių kubiniais metrais" in errors_of(letters)
    assert good.status_code == 302
    inquiry = Inquiry.objects.get()
    assert inquiry.moving_date == dt.date(2026, 11, 30)
    assert inquiry.final_readings == [
        {"meter": home.meter.pk, "serial": home.meter.serial_number, "value": floor + 4}
    ]


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "2025-11-14", "2027-11-16"])
def test_a_move_date_more_than_a_year_away_is_refused_next_to_the_field(
    client: Client, alice: User, home: Setup, day: str
) -> None:
    client.force_login(alice)
    data = form(home, topic="moving", moving_date=day, **{f"final_{home.meter.pk}": 999})

    response = client.post(NEW, data)

    assert response.status_code == 200
    assert response.context["form"].errors["moving_date"] == [
        "Įveskite persikraustymo datą nuo 2025-11-15 iki 2027-11-15."
    ]
    assert not Inquiry.objects.exists()


@pytest.mark.parametrize("day", ["2025-11-15", "2027-11-15"])
def test_a_move_date_within_a_year_is_taken(
    client: Client, alice: User, home: Setup, day: str
) -> None:
    client.force_login(alice)
    data = form(home, topic="moving", moving_date=day, **{f"final_{home.meter.pk}": 999})
    assert client.post(NEW, data).status_code == 302
    assert Inquiry.objects.get().moving_date == dt.date.fromisoformat(day)


def test_ten_requests_a_day_then_a_lithuanian_429(client: Client, alice: User, home: Setup) -> None:
    client.force_login(alice)
    for _ in range(DAILY_LIMIT):
        assert client.post(NEW, form(home)).status_code == 302

    refused = client.post(NEW, form(home))

    assert refused.status_code == 429
    assert int(refused["Retry-After"]) == 24 * 3600 + 1  # all ten were sent this very second
    assert "pateikėte tiek užklausų, kiek savitarna priima per dieną" in refused.content.decode()
    assert Inquiry.objects.count() == DAILY_LIMIT
    with time_machine.travel(dt.datetime(2026, 11, 16, 12, 1, tzinfo=dt.UTC), tick=False):
        assert client.post(NEW, form(home)).status_code == 302


def test_a_user_without_contracts_goes_to_linking(client: Client, bob: User) -> None:
    client.force_login(bob)
    assert client.get(NEW)["Location"] == reverse("portal:dashboard")


def test_the_form_lists_contracts_with_address(client: Client, alice: User, home: Setup) -> None:
    client.force_login(alice)
    page = client.get(NEW).content.decode()
    assert f"{home.contract.number} – " in page and "Liepų g. 3, Velžys" in page
    assert 'for="id_text"' in page and 'for="id_photos"' in page
