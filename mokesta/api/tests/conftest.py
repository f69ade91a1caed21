"""The API's fixtures: alice's contract with a meter, 12 months of readings, two invoices and a
payment, on 15 May 2026 in Vilnius; tokens; and a client that checks every answer against the
OpenAPI description (its operation, status and schema), so each test also tests the description."""

import datetime as dt
import re
from typing import Any
from zoneinfo import ZoneInfo

import jsonschema
import pytest
import time_machine
from django.core.cache import cache
from django.test import Client

from mokesta.accounts.models import ApiToken
from mokesta.accounts.tokens import create_token
from mokesta.api.api import api
from mokesta.testing.factories import (
    add_readings,
    make_contract,
    make_invoice,
    make_meter,
    make_payment,
    make_tariffs,
)

VILNIUS = ZoneInfo("Europe/Vilnius")
APRIL = dt.date(2026, 4, 1)
_SPEC: dict[str, Any] = {}


def spec() -> dict[str, Any]:
    if not _SPEC:
        _SPEC.update(api.get_openapi_schema())
    return _SPEC


def operation_for(method: str, path: str) -> dict[str, Any] | None:
    for template, methods in spec()["paths"].items():
        pattern = "^" + re.sub(r"\{[^}]+\}", r"[^/]+", template) + "$"
        if re.match(pattern, path) and method.lower() in methods:
            return methods[method.lower()]
    return None


def check_against_description(method: str, path: str, response: Any) -> None:
    """The answer is one the description promises: a documented status, its media type, and a
    body that validates against its schema (JSON Schema 2020-12, as OpenAPI 3.1's)."""
    operation = operation_for(method, path)
    assert operation is not None, f"{method} {path} is not in the description"
    documented = operation["responses"].get(str(response.status_code))
    assert documented, f"{method} {path}: status {response.status_code} is not documented"
    media = response["Content-Type"].split(";")[0]
    assert media in documented["content"], f"{method} {path}: {media} is not documented"
    if media == "application/pdf":
        assert response.content.startswith(b"%PDF")
        return
    schema = {**documented["content"][media]["schema"], "components": spec()["components"]}
    jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    ).validate(response.json())


class ApiClient(Client):
    def request(self, **request: Any) -> Any:
        response = super().request(**request)
        if request["PATH_INFO"].startswith("/api/v1/") and not request["PATH_INFO"].startswith(
            ("/api/v1/docs", "/api/v1/openapi.json")
        ):
            check_against_description(request["REQUEST_METHOD"], request["PATH_INFO"], response)
        return response


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def mid_may():
    with time_machine.travel(dt.datetime(2026, 5, 15, 12, 0, tzinfo=VILNIUS), tick=False):
        yield


@pytest.fixture
def contract(alice, mid_may):
    contract = make_contract(user=alice)
    make_tariffs()
    return contract


@pytest.fixture
def meter(contract):
    meter = make_meter(contract, initial=100, digits=5, installed=dt.date(2025, 5, 1))
    add_readings(meter, last_month=APRIL, count=12, per_month=5)  # last value 160
    return meter


@pytest.fixture
def invoices(contract, meter):
    march = make_invoice(contract, month=dt.date(2026, 3, 1), total="24.20")
    april = make_invoice(contract, month=APRIL, total="30.25")
    make_payment(contract, amount="24.20", day=dt.date(2026, 4, 20))
    return march, april


@pytest.fixture
def bobs(bob, mid_may):
    """Bob's contract, meter and invoice: alice's token must never reach them."""
    contract = make_contract(user=bob, name="Bronius Šalčius")
    meter = make_meter(contract, initial=10)
    add_readings(meter, last_month=APRIL, count=3)
    invoice = make_invoice(contract, month=APRIL)
    make_payment(contract, amount="1.00", day=dt.date(2026, 4, 2))
    return contract, meter, invoice


def bearer(raw: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.fixture
def client() -> ApiClient:
    return ApiClient()


@pytest.fixture
def read_token(alice, mid_may) -> str:
    return create_token(user=alice, name="Namų sistema", scope=ApiToken.Scope.READ, days=90)[1]


@pytest.fixture
def declare_token(alice, mid_may) -> str:
    return create_token(user=alice, name="Skaičiuoklė", scope=ApiToken.Scope.DECLARE, days=90)[1]
