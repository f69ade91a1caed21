"""The Paysera Checkout protocol (WebToPay, specification 1.6), as the official library
paysera/lib-webtopay 3.1.5 implements it: pure functions, no Django.

Request: the shop sends the browser to the pay URL with two parameters, `data` (the
URL-encoded parameters in URL-safe base64, padding kept) and `sign` = md5(data + password).
Callback: Paysera calls the shop with `data` and the signatures ss1 = md5(data + password),
ss2 = RSA PKCS#1 v1.5 SHA-1 and ss3 = RSA PKCS#1 v1.5 SHA-256 over the `data` text as sent,
made with Paysera's private key. The protocol mandates md5 and SHA-1; with a public key
configured we check ss3 (or ss2 when ss3 is absent), as the library does.
"""

import base64
import hashlib
import hmac
import urllib.parse
from collections.abc import Mapping

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

VERSION = "1.6"


class SignatureError(Exception):
    """The message is not signed by whom it claims (or is malformed): refuse it."""


def encode(raw: bytes) -> str:
    """Base64 with "+/" replaced by "-_" and the "=" padding kept (lib-webtopay's encoding)."""
    return base64.b64encode(raw).decode("ascii").translate(str.maketrans("+/", "-_"))


def decode(text: str) -> bytes:
    try:
        padded = text.translate(str.maketrans("-_", "+/"))
        return base64.b64decode(padded + "=" * (-len(padded) % 4), validate=True)
    except (ValueError, UnicodeError) as exc:
        raise SignatureError("not base64") from exc


def md5_sign(data: str, password: str) -> str:
    # The protocol's ss1/sign: md5 of the encoded text and the project's sign password.
    return hashlib.md5((data + password).encode()).hexdigest()  # noqa: S324


def pack(fields: Mapping[str, str]) -> str:
    """`data`: the fields URL-encoded like PHP's http_build_query, then encoded."""
    return encode(urllib.parse.urlencode(dict(fields)).encode())


def unpack(data: str) -> dict[str, str]:
    try:
        query = decode(data).decode()
    except UnicodeDecodeError as exc:
        raise SignatureError("data is not UTF-8") from exc
    return dict(urllib.parse.parse_qsl(query, keep_blank_values=True))


def build_request(fields: Mapping[str, str], *, project_id: str, password: str) -> dict[str, str]:
    """The two parameters of a payment request: `data` and `sign`."""
    data = pack({**fields, "version": VERSION, "projectid": project_id})
    return {"data": data, "sign": md5_sign(data, password)}


def check_request(params: Mapping[str, str], *, password: str) -> dict[str, str]:
    """What the provider does with a request (the demo provider and the tests' fake Paysera)."""
    data = params.get("data", "")
    if not data or not hmac.compare_digest(md5_sign(data, password), params.get("sign", "")):
        raise SignatureError("bad request sign")
    return unpack(data)


def load_public_key(pem: str) -> rsa.RSAPublicKey:
    """Paysera's key, as its public.key URL serves it: an X.509 certificate or a bare key."""
    raw = pem.strip().encode()
    key: object
    try:
        if b"BEGIN CERTIFICATE" in raw:
            key = x509.load_pem_x509_certificate(raw).public_key()
        else:
            key = serialization.load_pem_public_key(raw)
    except (ValueError, UnsupportedAlgorithm) as exc:
        raise ValueError("PAYSERA_PUBLIC_KEY is not a PEM public key or certificate") from exc
    if not isinstance(key, rsa.RSAPublicKey):
        raise ValueError("PAYSERA_PUBLIC_KEY is not an RSA key")
    return key


def verify_callback(
    params: Mapping[str, str],
    *,
    project_id: str,
    password: str,
    public_key: rsa.RSAPublicKey | None,
) -> dict[str, str]:
    """The fields of a callback whose signature is valid, or SignatureError. With a public key
    the RSA signature is required (ss3, else ss2); without one, ss1."""
    data = params.get("data", "")
    if not data:
        raise SignatureError("no data")
    if public_key is not None:
        name, algorithm = ("ss3", hashes.SHA256()) if params.get("ss3") else ("ss2", hashes.SHA1())  # noqa: S303
        signature = params.get(name, "")
        if not signature:
            raise SignatureError("no ss2/ss3 signature")
        try:
            public_key.verify(decode(signature), data.encode(), padding.PKCS1v15(), algorithm)
        except (InvalidSignature, ValueError) as exc:
            raise SignatureError(f"bad {name}") from exc
    elif not hmac.compare_digest(md5_sign(data, password), params.get("ss1", "")):
        raise SignatureError("bad ss1")
    fields = unpack(data)
    if fields.get("projectid") != project_id:
        raise SignatureError("another project")
    return fields


def sign_callback(
    fields: Mapping[str, str], *, password: str, private_key: rsa.RSAPrivateKey | None = None
) -> dict[str, str]:
    """A callback signed as Paysera signs it (the demo provider and the tests' fake Paysera)."""
    data = pack(fields)
    params = {"data": data, "ss1": md5_sign(data, password)}
    if private_key is not None:
        message = data.encode()
        params["ss2"] = encode(private_key.sign(message, padding.PKCS1v15(), hashes.SHA1()))  # noqa: S303
        params["ss3"] = encode(private_key.sign(message, padding.PKCS1v15(), hashes.SHA256()))
    return params
