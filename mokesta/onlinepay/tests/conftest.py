"""A fake Paysera: a real local HTTP server that checks the shop's payment requests as Paysera
does and signs its callbacks as Paysera does (ss1, and ss2/ss3 with a test RSA key whose public
half the site is configured with), plus a customer with a debt."""

import datetime as dt
import json
import threading
import urllib.parse
import urllib.request
from collections.abc import Iterator
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from mokesta.accounts.models import User
from mokesta.billing.models import Invoice
from mokesta.customers.models import Contract
from mokesta.onlinepay import paysera
from mokesta.testing.factories import make_contract, make_invoice
from mokesta.testing.smtp import SmtpSink, smtp_sink  # noqa: F401

PROJECT_ID = "123456"
PASSWORD = "0123456789abcdef0123456789abcdef"


@pytest.fixture(scope="session")
def paysera_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


class FakePaysera:
    """Answers GET /pay/?data=…&sign=… (a page, after checking the sign) and POST /pay/confirm
    (calls the shop's callbackurl over HTTP with a signed answer, then redirects to accepturl)."""

    def __init__(self, key: rsa.RSAPrivateKey) -> None:
        self.key = key
        self.requests: list[dict[str, str]] = []
        self.callback_answers: list[tuple[int, str]] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                url = urllib.parse.urlsplit(self.path)
                query = dict(urllib.parse.parse_qsl(url.query))
                try:
                    fields = paysera.check_request(query, password=PASSWORD)
                except paysera.SignatureError:
                    self.send_response(400)
                    self.end_headers()
                    return
                fake.requests.append(fields)
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(json.dumps(fields).encode())

            def do_POST(self) -> None:
                length = int(self.headers["Content-Length"])
                form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
                fields = fake.requests[-1]
                signed = fake.callback(fields, status=form.get("status", "1"))
                body = urllib.parse.urlencode(signed).encode()
                with urllib.request.urlopen(fields["callbackurl"], data=body, timeout=10) as r:
                    fake.callback_answers.append((r.status, r.read().decode()))
                self.send_response(302)
                self.send_header("Location", fields["accepturl"])
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/pay/"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def open(self, url: str) -> dict[str, str]:
        """The customer's browser following the shop's redirect: the fields Paysera received."""
        with urllib.request.urlopen(url, timeout=10) as response:
            return json.loads(response.read())

    def callback(
        self, request: dict[str, str], *, status: str = "1", sign: bool = True, **changes: str
    ) -> dict[str, str]:
        """The parameters Paysera sends to callbackurl about `request` (the shop's request)."""
        fields = {
            "projectid": request["projectid"],
            "orderid": request["orderid"],
            "lang": request.get("lang", "LIT"),
            "amount": request["amount"],
            "currency": request["currency"],
            "payment": "hanza",
            "country": "LT",
            "paytext": request.get("paytext", ""),
            "p_email": request.get("p_email", ""),
            "test": request.get("test", "0"),
            "version": "1.6",
            "status": status,
            "requestid": "987654321",
            "payamount": request["amount"],
            "paycurrency": request["currency"],
            "name": "Alė",
            "surename": "Žemaitė",
            "type": "macro",
            **changes,
        }
        return paysera.sign_callback(
            fields, password=PASSWORD, private_key=self.key if sign else None
        )

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def fake_paysera(settings: Any, paysera_key: rsa.RSAPrivateKey) -> Iterator[FakePaysera]:
    fake = FakePaysera(paysera_key)
    settings.PAYMENT_PROVIDER = "paysera"
    settings.PAYSERA_PROJECT_ID = PROJECT_ID
    settings.PAYSERA_PASSWORD = PASSWORD
    settings.PAYSERA_PAY_URL = fake.url
    settings.PAYSERA_TEST = False
    settings.PAYSERA_PUBLIC_KEY = (
        paysera_key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    yield fake
    fake.stop()


class Debt:
    def __init__(self, user: User) -> None:
        self.contract: Contract = make_contract(user=user)
        # Two invoices, 30.00 and 24.20: the contract owes 54.20 (amount due 54.20 on the last).
        self.old: Invoice = make_invoice(self.contract, month=dt.date(2026, 9, 1), total="30.00")
        self.invoice: Invoice = make_invoice(
            self.contract, month=dt.date(2026, 10, 1), total="24.20", amount_due="54.20"
        )
        self.due = Decimal("54.20")


@pytest.fixture
def debt(alice: User) -> Debt:
    return Debt(alice)
