"""Real parts for the messaging tests: an aiosmtpd SMTP sink (mokesta/testing/smtp.py), a local
HTTP server that answers like Infobip's SMS API and checks each request as Infobip documents it,
and invoices to deliver."""

import datetime as dt
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from mokesta.accounts.models import User
from mokesta.billing.models import BillingPeriod, Invoice
from mokesta.customers.models import Contract, ContractAccess, Customer
from mokesta.testing.smtp import SmtpSink, free_port, smtp_sink  # noqa: F401

PDF_BYTES = b"%PDF-1.4\n% stored invoice PDF for the tests\n%%EOF\n"
SMS_API_KEY = "test-key-0123456789"
# The context of a reading reminder, for tests that write outbox rows themselves.
REMINDER_CONTEXT = {
    "first_name": "Ona",
    "contracts": ["VKU-1"],
    "month": "2026-11-01",
    "deadline_date": "2026-11-30",
}


# --- fake Infobip ------------------------------------------------------------------------


@dataclass
class FakeInfobip:
    """Answers POST /sms/2/text/advanced like Infobip; refuses (HTTP 400, as Infobip does for a
    bad request) anything that does not follow the documented request exactly."""

    url: str = ""
    received: list[dict] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    # Statuses to answer with, one per request, before answering 200 again.
    fail_with: list[int] = field(default_factory=list)
    # The status group of an accepted request: PENDING, or REJECTED for e.g. a wrong number.
    group: str = "PENDING"
    lock: threading.Lock = field(default_factory=threading.Lock)

    def check(self, method: str, path: str, headers: object, body: bytes) -> tuple[int, dict]:
        problems = []
        if method != "POST" or path != "/sms/2/text/advanced":
            problems.append(f"{method} {path}")
        if headers.get("Authorization") != f"App {SMS_API_KEY}":  # type: ignore[attr-defined]
            return 401, {
                "requestError": {
                    "serviceException": {"messageId": "UNAUTHORIZED", "text": "Invalid login"}
                }
            }
        if headers.get("Content-Type") != "application/json":  # type: ignore[attr-defined]
            problems.append("Content-Type")
        try:
            payload = json.loads(body)
            (message,) = payload["messages"]
            (destination,) = message["destinations"]
            to, sender, text = destination["to"], message["from"], message["text"]
        except (ValueError, KeyError, TypeError) as error:
            problems.append(f"body {error!r}")
        else:
            if not to.isdigit():  # international format without "+"
                problems.append(f"to {to!r}")
            if set(payload) != {"messages"} or set(message) != {"destinations", "from", "text"}:
                problems.append(f"fields {sorted(message)}")
        with self.lock:
            if problems:
                self.problems.extend(problems)
                return 400, {
                    "requestError": {
                        "serviceException": {
                            "messageId": "BAD_REQUEST",
                            "text": "; ".join(problems),
                        }
                    }
                }
            if self.fail_with:
                status = self.fail_with.pop(0)
                return status, {
                    "requestError": {
                        "serviceException": {"messageId": "GENERAL_ERROR", "text": "Try later"}
                    }
                }
            self.received.append({"to": to, "from": sender, "text": text})
            number = len(self.received)
        return 200, {
            "bulkId": f"bulk-{number}",
            "messages": [
                {
                    "messageId": f"msg-{number}",
                    "status": {
                        "groupId": 1 if self.group == "PENDING" else 5,
                        "groupName": self.group,
                        "id": 26 if self.group == "PENDING" else 51,
                        "name": f"{self.group}_ACCEPTED"
                        if self.group == "PENDING"
                        else "MISSING_TO",
                        "description": "Message sent to next instance"
                        if self.group == "PENDING"
                        else "Missing destination",
                    },
                    "to": to,
                }
            ],
        }


@pytest.fixture
def infobip(settings: object) -> Iterator[FakeInfobip]:
    fake = FakeInfobip()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            status, answer = fake.check("POST", self.path, self.headers, body)
            data = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    settings.SMS_BACKEND = "infobip"  # type: ignore[attr-defined]
    settings.SMS_API_URL = fake.url  # type: ignore[attr-defined]
    settings.SMS_API_KEY = SMS_API_KEY  # type: ignore[attr-defined]
    settings.SMS_SENDER = "VelzioKU"  # type: ignore[attr-defined]
    yield fake
    server.shutdown()
    server.server_close()


# --- invoices ----------------------------------------------------------------------------


@pytest.fixture
def contract(db: None) -> Contract:
    customer = Customer.objects.create(
        name="Alė Žemaitė", payer_code="48811120001", address="Liepų g. 1, Velžys"
    )
    return Contract.objects.create(
        number="VKU-2024-0001",
        customer=customer,
        start_date=dt.date(2024, 1, 1),
        category=Contract.Category.APARTMENT,
    )


def make_invoice(contract: Contract, *, sequence: int = 1, month: dt.date | None = None) -> Invoice:
    period, _ = BillingPeriod.objects.get_or_create(month=month or dt.date(2026, 10, 1))
    return Invoice.objects.create(
        series="VKU",
        sequence=sequence,
        number=f"VKU-{sequence:06d}",
        contract=contract,
        period=period,
        issue_date=dt.date(2026, 11, 5),
        due_date=dt.date(2026, 11, 30),
        customer_name=contract.customer.name,
        customer_address=contract.customer.address,
        payer_code=contract.customer.payer_code,
        net=Decimal("20.40"),
        vat=Decimal("4.28"),
        total=Decimal("24.68"),
        amount_due=Decimal("24.68"),
        payment_code=f"1000{sequence:06d}",
        pdf=PDF_BYTES,
    )


def link(user: User, contract: Contract) -> None:
    ContractAccess.objects.create(user=user, contract=contract, via=ContractAccess.Via.CODE)


def opt_in(user: User, contract: Contract | None = None, **fields: object) -> None:
    """Set the user's choices (invoices_by_email, sms_opt_in, phone, language…) and link the
    user to `contract`."""
    for name, value in fields.items():
        setattr(user, name, value)
    user.save()
    if contract is not None:
        link(user, contract)
