"""Issue 19.5: the request page is ordered for answering — the answer first, then who asks
(name, phone, address, contract), the photos as thumbnails behind the second factor."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from mokesta.accounts.models import User
from mokesta.backoffice.tests.conftest import admin_client
from mokesta.inquiries.models import Inquiry, InquiryPhoto
from mokesta.inquiries.photos import clean_photo
from mokesta.inquiries.workflow import submit_inquiry
from mokesta.testing.factories import make_contract
from mokesta.testing.photos import png_bytes


@pytest.fixture(autouse=True)
def private_media(settings: object, tmp_path: object) -> None:
    settings.PRIVATE_MEDIA_ROOT = tmp_path  # type: ignore[attr-defined]


@pytest.fixture
def inquiry(alice: User) -> Inquiry:
    contract = make_contract(user=alice, name="Ona Kazlauskienė", address="Liepų g. 3, Velžys")
    contract.customer.phone = "+37061234567"
    contract.customer.save()
    photo = clean_photo(SimpleUploadedFile("a.png", png_bytes(), content_type="image/png"))
    return submit_inquiry(
        user=alice, contract=contract, topic="meter_broken", text="Sugedo.", photos=[photo]
    )


def test_the_answer_comes_first_then_the_customer(staff: User, inquiry: Inquiry):
    html = admin_client(staff).get(f"/admin/inquiries/inquiry/{inquiry.pk}/change/")
    page = html.content.decode()
    answer = page.index('name="answer"')
    reason = page.index('name="rejection_reason"')
    assert answer < reason < page.index("Ona Kazlauskienė") < page.index("Liepų g. 3, Velžys")
    assert 'name="rejection_reason" cols="40" rows="2"' in page
    assert '<a href="tel:+37061234567">+37061234567</a>' in page
    assert f'href="/admin/customers/contract/{inquiry.contract_id}/overview/"' in page


def test_the_photos_are_thumbnails_served_behind_the_login(staff: User, inquiry: Inquiry, client):
    photo = InquiryPhoto.objects.get()
    url = f"/admin/inquiries/inquiry/photos/{photo.pk}/"
    page = admin_client(staff).get(f"/admin/inquiries/inquiry/{inquiry.pk}/change/")
    assert f'<img src="{url}"' in page.content.decode()
    assert admin_client(staff).get(url)["Content-Type"] == "image/png"
    assert client.get(url).status_code == 302  # to the login
