import re
from base64 import b32decode
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client, override_settings
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from mokesta.accounts.models import User
from mokesta.conftest import PASSWORD

# Every refusal reads the same, so that a wrong code does not tell that the password was right.
REFUSED = "Įveskite teisingą el. pašto adresą, slaptažodį ir autentifikavimo programėlės kodą."

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("require_2fa")]


@pytest.fixture
def require_2fa() -> Iterator[None]:
    with override_settings(ADMIN_REQUIRE_2FA=True):
        yield


def current_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def log_in(client: Client, user: User, **extra: str) -> Any:
    data = {"username": user.email, "password": PASSWORD, "next": "/admin/", **extra}
    return client.post("/admin/login/", data)


def test_staff_log_in_with_password_and_a_current_totp_code(staff: User) -> None:
    device = TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)
    client = Client()

    response = log_in(client, staff, otp_token=current_code(device))

    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_it_refuses_a_login_without_the_code(staff: User) -> None:
    TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)
    client = Client()

    response = log_in(client, staff)

    assert response.status_code == 200
    assert REFUSED in response.content.decode()
    assert client.get("/admin/")["Location"].startswith("/admin/login/")


def test_it_refuses_a_wrong_code(staff: User) -> None:
    device = TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)
    wrong = f"{(int(current_code(device)) + 1) % 1_000_000:06d}"

    response = log_in(Client(), staff, otp_token=wrong)

    assert response.status_code == 200
    assert REFUSED in response.content.decode()


def test_it_refuses_staff_who_have_no_device(staff: User) -> None:
    response = log_in(Client(), staff, otp_token="123456")

    assert response.status_code == 200
    assert REFUSED in response.content.decode()


def test_a_password_only_session_does_not_open_the_admin(staff: User) -> None:
    client = Client()
    client.force_login(staff)  # e.g. logged in through the customer login page

    response = client.get("/admin/")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_the_login_page_labels_the_code_field(staff: User) -> None:
    html = Client().get("/admin/login/").content.decode()

    assert '<label for="id_otp_token">Autentifikavimo programėlės kodas:</label>' in html


@override_settings(ADMIN_REQUIRE_2FA=False)
def test_without_required_2fa_an_unenrolled_staff_member_logs_in_by_password(staff: User) -> None:
    client = Client()

    response = log_in(client, staff)

    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


@override_settings(ADMIN_REQUIRE_2FA=False)
def test_without_required_2fa_an_enrolled_staff_member_still_needs_the_code(staff: User) -> None:
    TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)

    response = log_in(Client(), staff)

    assert response.status_code == 200
    assert REFUSED in response.content.decode()


def test_add_totp_device_prints_a_secret_that_logs_in(
    staff: User, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("add_totp_device", staff.email, "--no-terminal-qr")
    out = capsys.readouterr().out

    secret = re.search(r"Secret \(base32\): (\w+)", out).group(1)  # type: ignore[union-attr]
    assert f"otpauth://totp/MOKESTA%3A{staff.email.replace('@', '%40')}" in out
    code = f"{totp(b32decode(secret)):06d}"
    assert log_in(Client(), staff, otp_token=code).status_code == 302


def test_add_totp_device_refuses_customers(alice: User) -> None:
    with pytest.raises(CommandError, match="not staff"):
        call_command("add_totp_device", alice.email)
    assert not TOTPDevice.objects.exists()


def test_add_totp_device_writes_a_qr_file(staff: User, tmp_path: Path) -> None:
    path = tmp_path / "qr.svg"

    call_command("add_totp_device", staff.email, "--qr", str(path), "--no-terminal-qr")

    assert path.read_text().startswith("<?xml")


def test_it_stops_guessing_after_five_failed_logins(staff: User) -> None:
    device = TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)
    client = Client()
    for _ in range(5):
        log_in(client, staff, otp_token="000000")

    response = log_in(client, staff, otp_token=current_code(device))

    assert "Per daug nesėkmingų bandymų prisijungti." in response.content.decode()
    assert client.get("/admin/").status_code == 302


def answer(response: Any) -> str:
    """The page without what differs between any two requests (the CSRF token)."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


def test_a_wrong_password_and_a_wrong_code_get_the_same_answer(staff: User) -> None:
    device = TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)
    wrong_code = f"{(int(current_code(device)) + 1) % 1_000_000:06d}"

    wrong_password = log_in(Client(), staff, password="Neteisingas1", otp_token=wrong_code)
    right_password_wrong_code = log_in(Client(), staff, otp_token=wrong_code)

    assert wrong_password.status_code == right_password_wrong_code.status_code == 200
    assert answer(wrong_password) == answer(right_password_wrong_code)
    assert REFUSED in answer(wrong_password)
    assert "Slaptas" not in answer(right_password_wrong_code)  # the password is not echoed
    # Without a code, too.
    no_code = [
        log_in(Client(), staff, password=password) for password in ("Neteisingas1", PASSWORD)
    ]
    assert answer(no_code[0]) == answer(no_code[1])
