"""Staff power is used only in the back office, behind its second factor: a clerk who logs in
through the customer login with the password alone is a customer there, and customers' photos
open for staff only under /admin/."""

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from mokesta.accounts.models import User
from mokesta.conftest import PASSWORD, make_user
from mokesta.inquiries.models import InquiryPhoto
from mokesta.inquiries.photos import CleanPhoto
from mokesta.inquiries.workflow import submit_inquiry
from mokesta.testing.factories import make_contract
from mokesta.testing.photos import png_bytes

from .conftest import admin_client

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]  # the mokesta package


@pytest.fixture(autouse=True)
def require_2fa(settings: object, tmp_path: Path) -> Iterator[None]:
    settings.PRIVATE_MEDIA_ROOT = tmp_path  # type: ignore[attr-defined]
    with override_settings(ADMIN_REQUIRE_2FA=True):
        yield


@pytest.fixture
def photo(alice: User) -> InquiryPhoto:
    inquiry = submit_inquiry(
        user=alice,
        contract=make_contract(user=alice),
        topic="other",
        text="Skaitiklis rasoja",
        photos=[CleanPhoto(png_bytes(), "image/png", "png")],
    )
    return inquiry.photos.get()


def customer_login(user: User) -> Client:
    client = Client()
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302, "the password alone logs in to the self-service"
    return client


def admin_photo_url(photo: InquiryPhoto) -> str:
    return reverse("admin:inquiries_inquiry_photo", args=[photo.pk])


def test_a_clerk_with_the_password_alone_gets_404_for_a_photo(
    staff: User, photo: InquiryPhoto
) -> None:
    TOTPDevice.objects.create(user=staff, name="telefonas", confirmed=True)
    client = customer_login(staff)

    assert client.get(reverse("inquiries:photo", args=[photo.pk])).status_code == 404
    admin = client.get(admin_photo_url(photo))
    assert admin.status_code == 302 and admin["Location"].startswith("/admin/login/")
    assert client.get("/admin/").status_code == 302


def test_after_the_second_factor_the_clerk_opens_it_in_the_back_office(
    staff: User, photo: InquiryPhoto
) -> None:
    device = TOTPDevice.objects.create(user=staff, name="telefonas", confirmed=True)
    client = Client()
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    client.post(
        "/admin/login/",
        {"username": staff.email, "password": PASSWORD, "otp_token": code, "next": "/admin/"},
    )

    response = client.get(admin_photo_url(photo))
    assert response.status_code == 200
    assert {"private", "no-store"} <= set(response["Cache-Control"].split(", "))
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response.getvalue().startswith(b"\x89PNG")
    # The customer pages still serve the photo to its author only.
    assert client.get(reverse("inquiries:photo", args=[photo.pk])).status_code == 404
    html = client.get(f"/admin/inquiries/inquiry/{photo.inquiry.pk}/change/").content.decode()
    assert admin_photo_url(photo) in html


def test_staff_without_the_permission_to_see_requests_get_404(photo: InquiryPhoto) -> None:
    intern = make_user("intern@example.lt", "Ina", "Praktikantė", is_staff=True)
    assert admin_client(intern).get(admin_photo_url(photo)).status_code == 404


def test_the_author_still_sees_her_photo(alice: User, photo: InquiryPhoto) -> None:
    client = customer_login(alice)
    assert client.get(reverse("inquiries:photo", args=[photo.pk])).status_code == 200


def test_a_staff_account_is_a_customer_in_the_self_service(staff: User) -> None:
    """Its own contracts only: no other customer's contract opens for it."""
    TOTPDevice.objects.create(user=staff, name="telefonas", confirmed=True)
    other = make_contract(start=dt.date(2020, 1, 1))
    client = customer_login(staff)

    assert client.get(reverse("customers:contract", args=[other.pk])).status_code == 404


# Where a staff flag or a permission may be read outside the back office, and why.
ALLOWED = {
    "accounts/models.py": "create_user/create_superuser set the flags",
    "inquiries/models.py": "a request is assigned to a staff member (limit_choices_to)",
    "demo/management/commands/load_demo.py": "makes the demo staff login",
}
STAFF_POWER = re.compile(
    r"is_staff|is_superuser|has_perm|staff_member_required|permission_required"
)


def test_no_view_outside_the_back_office_checks_staff_power() -> None:
    """A new staff-only page outside /admin/ would skip the second factor: put it in the back
    office (a ModelAdmin's get_urls, wrapped by admin_site.admin_view) instead."""
    found = []
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        parts = relative.split("/")
        if parts[0] in {"backoffice", "testing"} or "tests" in parts or "migrations" in parts:
            continue
        if relative in ALLOWED or relative in {"conftest.py", "settings.py"}:
            continue
        if STAFF_POWER.search(path.read_text(encoding="utf-8")):
            found.append(relative)
    assert found == []
