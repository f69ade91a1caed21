"""The Paysera protocol functions, against the official library's test vector and each other."""

import datetime as dt
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from mokesta.onlinepay import paysera
from mokesta.onlinepay.tests.conftest import PASSWORD, PROJECT_ID


def test_url_safe_base64_matches_lib_webtopay() -> None:
    # lib-webtopay tests/WebToPay/UtilTest.php: the padding is kept, "+/" become "-_".
    raw = bytes.fromhex("330001020304059 2FFAA000102030405 92FEAAEE".replace(" ", ""))
    assert paysera.encode(raw) == "MwABAgMEBZL_qgABAgMEBZL-qu4="
    assert paysera.decode("MwABAgMEBZL_qgABAgMEBZL-qu4=") == raw
    assert paysera.decode("MwABAgMEBZL_qgABAgMEBZL-qu4") == raw  # padding may be dropped


def test_a_request_carries_data_and_its_md5_sign() -> None:
    request = paysera.build_request(
        {"orderid": "MK1", "amount": "1234", "accepturl": "https://x.lt/a?b=1&c=ą"},
        project_id=PROJECT_ID,
        password=PASSWORD,
    )
    assert set(request) == {"data", "sign"}
    fields = paysera.check_request(request, password=PASSWORD)
    assert fields["accepturl"] == "https://x.lt/a?b=1&c=ą"
    assert fields["version"] == "1.6" and fields["projectid"] == PROJECT_ID
    with pytest.raises(paysera.SignatureError):
        paysera.check_request(request, password="another password")


def callback_fields() -> dict[str, str]:
    return {"projectid": PROJECT_ID, "orderid": "MK1", "amount": "1234", "status": "1"}


def test_ss3_then_ss2_are_checked_with_the_public_key(paysera_key: rsa.RSAPrivateKey) -> None:
    signed = paysera.sign_callback(callback_fields(), password=PASSWORD, private_key=paysera_key)
    key = paysera_key.public_key()
    check: dict[str, Any] = {
        "project_id": PROJECT_ID,
        "password": "not used with a key",
        "public_key": key,
    }
    assert paysera.verify_callback(signed, **check)["orderid"] == "MK1"
    without_ss3 = {k: v for k, v in signed.items() if k != "ss3"}
    assert paysera.verify_callback(without_ss3, **check)["status"] == "1"
    with pytest.raises(paysera.SignatureError):  # only ss1: not enough when a key is set
        paysera.verify_callback({"data": signed["data"], "ss1": signed["ss1"]}, **check)


def test_tampered_data_fails_every_signature(paysera_key: rsa.RSAPrivateKey) -> None:
    signed = paysera.sign_callback(callback_fields(), password=PASSWORD, private_key=paysera_key)
    other = paysera.pack({**callback_fields(), "amount": "1"})
    forged = {**signed, "data": other}
    key = paysera_key.public_key()
    for params in (forged, {k: v for k, v in forged.items() if k != "ss3"}):
        with pytest.raises(paysera.SignatureError):
            paysera.verify_callback(
                params, project_id=PROJECT_ID, password=PASSWORD, public_key=key
            )
    with pytest.raises(paysera.SignatureError):
        paysera.verify_callback(forged, project_id=PROJECT_ID, password=PASSWORD, public_key=None)
    with pytest.raises(paysera.SignatureError):
        paysera.verify_callback(
            {**signed, "ss3": "not base64!"},
            project_id=PROJECT_ID,
            password=PASSWORD,
            public_key=key,
        )


def test_ss1_alone_without_a_key_and_the_project_must_match() -> None:
    signed = paysera.sign_callback(callback_fields(), password=PASSWORD)
    fields = paysera.verify_callback(
        signed, project_id=PROJECT_ID, password=PASSWORD, public_key=None
    )
    assert fields["amount"] == "1234"
    with pytest.raises(paysera.SignatureError):
        paysera.verify_callback(signed, project_id="999", password=PASSWORD, public_key=None)
    with pytest.raises(paysera.SignatureError):
        paysera.verify_callback({}, project_id=PROJECT_ID, password=PASSWORD, public_key=None)


def test_the_public_key_may_be_a_certificate_or_a_bare_key(paysera_key: rsa.RSAPrivateKey) -> None:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "www.mokejimai.lt")])
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(paysera_key.public_key())
        .serial_number(1)
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=1))
        .sign(paysera_key, hashes.SHA256())
    )
    cert_pem = certificate.public_bytes(serialization.Encoding.PEM).decode()
    key_pem = (
        paysera_key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    assert (
        paysera.load_public_key(cert_pem).public_numbers()
        == paysera_key.public_key().public_numbers()
    )
    assert (
        paysera.load_public_key(key_pem).public_numbers()
        == paysera_key.public_key().public_numbers()
    )
    with pytest.raises(ValueError):
        paysera.load_public_key("-----BEGIN PUBLIC KEY-----\nnonsense\n-----END PUBLIC KEY-----")
