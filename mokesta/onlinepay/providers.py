"""Payment providers behind one small interface: where to send the customer, and what a
callback says once its signature is verified. PAYMENT_PROVIDER picks one: "paysera" (the real
one), "demo" (`make run`: a local page that speaks the Paysera protocol with a demo key) or ""
(online payments off: no „Apmokėti" button)."""

import hashlib
import hmac
import urllib.parse
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Protocol

from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings
from django.urls import reverse

from mokesta.onlinepay import paysera

PAID, PENDING, FAILED = "paid", "pending", "failed"


@dataclass(frozen=True)
class Checkout:
    """What the customer's browser is sent to, and the return addresses it carries."""

    order_id: str
    amount: Decimal
    currency: str
    accept_url: str
    cancel_url: str
    callback_url: str
    language: str
    description: str
    email: str


@dataclass(frozen=True)
class Outcome:
    """A verified callback: which order, what happened, and the amount the provider states."""

    order_id: str
    status: str  # PAID, PENDING or FAILED
    amount: Decimal | None
    currency: str
    test: bool
    transaction: str = ""
    method: str = ""


class Provider(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def test_allowed(self) -> bool:
        """Whether test payments (nothing charged) count as paid."""
        ...

    def checkout_url(self, checkout: Checkout) -> str: ...

    def verify(self, params: dict[str, str]) -> Outcome:
        """The callback's outcome, or paysera.SignatureError when it is not genuine."""
        ...


# lib-webtopay's language codes (ISO 639-2/B) for the page languages we serve.
LANGUAGES = {"lt": "LIT", "en": "ENG"}
STATUSES = {"1": PAID, "0": FAILED}  # 2 (accepted, not executed), 3 (extra info): pending


@dataclass(frozen=True)
class Paysera:
    """Paysera Checkout (https://developers.paysera.com/, specification 1.6)."""

    project_id: str
    password: str
    pay_url: str
    test: bool
    public_key_pem: str = ""
    name: str = "paysera"

    @property
    def test_allowed(self) -> bool:
        return self.test

    def checkout_url(self, checkout: Checkout) -> str:
        fields = {
            "orderid": checkout.order_id,
            "amount": str(to_cents(checkout.amount)),
            "currency": checkout.currency,
            "accepturl": checkout.accept_url,
            "cancelurl": checkout.cancel_url,
            "callbackurl": checkout.callback_url,
            "lang": LANGUAGES.get(checkout.language, "LIT"),
            "country": "LT",
            # Paysera fills in [order_nr] and [site_name]; without both it uses its own text.
            "paytext": f"{checkout.description} [order_nr] ([site_name])"[:255],
            "p_email": checkout.email,
            "test": "1" if self.test else "0",
        }
        request = paysera.build_request(fields, project_id=self.project_id, password=self.password)
        separator = "&" if "?" in self.pay_url else "?"
        return self.pay_url + separator + urllib.parse.urlencode(request)

    def verify(self, params: dict[str, str]) -> Outcome:
        key = public_key(self.public_key_pem) if self.public_key_pem else None
        fields = paysera.verify_callback(
            params, project_id=self.project_id, password=self.password, public_key=key
        )
        if fields.get("type", "macro") != "macro":
            raise paysera.SignatureError("not a checkout payment")
        return Outcome(
            order_id=fields.get("orderid", ""),
            status=STATUSES.get(fields.get("status", ""), PENDING),
            amount=from_cents(fields.get("amount", "")),
            currency=fields.get("currency", ""),
            test=fields.get("test") == "1",
            transaction=fields.get("requestid", "")[:40],
            method=fields.get("payment", "")[:40],
        )


def to_cents(amount: Decimal) -> int:
    return int(amount * 100)


def from_cents(text: str) -> Decimal | None:
    return Decimal(int(text)) / 100 if text.isdigit() else None


def demo_password() -> str:
    """The demo provider's sign password: derived from SECRET_KEY, so no one outside this
    installation can sign a demo confirmation."""
    return hmac.new(settings.SECRET_KEY.encode(), b"onlinepay demo", hashlib.sha256).hexdigest()


DEMO_PROJECT_ID = "1"


def demo() -> Paysera:
    return Paysera(
        name="demo",
        project_id=DEMO_PROJECT_ID,
        password=demo_password(),
        pay_url=reverse("onlinepay:demo"),
        test=True,
    )


def callback_url() -> str:
    """Where a provider confirms payments: the configured SITE_URL, never the request's Host
    header (which a client chooses: the demo provider would post its confirmation there)."""
    return settings.SITE_URL + reverse("onlinepay:callback")


def current() -> Provider | None:
    """The configured provider, or None when online payments are off. The demo provider only
    in development and tests (start-up refuses it elsewhere; this is the second lock)."""
    if settings.PAYMENT_PROVIDER == "demo":
        return demo() if settings.DEBUG or getattr(settings, "TESTING", False) else None
    if settings.PAYMENT_PROVIDER == "paysera":
        return Paysera(
            project_id=settings.PAYSERA_PROJECT_ID,
            password=settings.PAYSERA_PASSWORD,
            pay_url=settings.PAYSERA_PAY_URL,
            test=settings.PAYSERA_TEST,
            public_key_pem=settings.PAYSERA_PUBLIC_KEY,
        )
    return None


@cache
def public_key(pem: str) -> rsa.RSAPublicKey:
    return paysera.load_public_key(pem)  # parsed once per process, not per callback
