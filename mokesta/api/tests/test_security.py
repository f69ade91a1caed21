"""Access: another user's ids are 404 on every endpoint; scopes; expired, revoked, unknown or
missing tokens are 401; the per-token limit answers 429; the session needs CSRF to change."""

import datetime as dt

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse

from mokesta.accounts.models import ApiToken
from mokesta.accounts.tokens import create_token
from mokesta.api.tests.conftest import VILNIUS, bearer
from mokesta.metering.models import Reading
from mokesta.testing.factories import add_member

PROBLEM = "application/problem+json"


def endpoints(contract_id: int, invoice_id: int) -> list[str]:
    base = f"/api/v1/contracts/{contract_id}"
    return [
        f"{base}/",
        f"{base}/payments/",
        f"{base}/invoices/",
        f"{base}/invoices/{invoice_id}/",
        f"{base}/invoices/{invoice_id}/pdf",
        f"{base}/readings/",
        f"{base}/consumption/",
    ]


def test_every_endpoint_answers_404_for_another_users_ids(
    client, contract, meter, invoices, bobs, declare_token
):
    bob_contract, bob_meter, bob_invoice = bobs
    auth = bearer(declare_token)
    paths = endpoints(bob_contract.pk, bob_invoice.pk)
    # alice's own contract with bob's invoice: the invoice must be the contract's.
    paths += endpoints(contract.pk, bob_invoice.pk)[3:5]
    for path in paths:
        response = client.get(path, **auth)
        assert response.status_code == 404, path
        assert response["Content-Type"] == PROBLEM
        assert response.json()["title"] == "Nerasta"
    declared = client.post(
        f"/api/v1/contracts/{bob_contract.pk}/readings/",
        {"readings": [{"meter_id": bob_meter.pk, "value": 30}]},
        content_type="application/json",
        **auth,
    )
    assert declared.status_code == 404
    # bob's meter on alice's contract: the portal's refusal, nothing saved.
    foreign = client.post(
        f"/api/v1/contracts/{contract.pk}/readings/",
        {"readings": [{"meter_id": bob_meter.pk, "value": 30}]},
        content_type="application/json",
        **auth,
    )
    assert foreign.status_code == 422
    assert "nėra šioje sutartyje" in foreign.json()["errors"][0]["message"]
    assert not Reading.objects.filter(period="2026-05-01").exists()
    # bob's contracts are not in alice's list
    listed = client.get("/api/v1/contracts/", **auth).json()
    assert [c["id"] for c in listed["items"]] == [contract.pk]


def test_a_read_token_cannot_declare(client, contract, meter, read_token):
    response = client.post(
        f"/api/v1/contracts/{contract.pk}/readings/",
        {"readings": [{"meter_id": meter.pk, "value": 165}]},
        content_type="application/json",
        **bearer(read_token),
    )
    assert response.status_code == 403
    assert response.json()["type"].endswith(":insufficient-scope")
    assert not Reading.objects.filter(meter=meter, period="2026-05-01").exists()
    assert client.get(f"/api/v1/contracts/{contract.pk}/", **bearer(read_token)).status_code == 200


@pytest.mark.parametrize(
    "header",
    [
        "",
        "Bearer",
        "Bearer mk_00000000_nope",
        "Basic YWxpY2U6eA==",
        "Token x",
        "Bearer " + "x" * 300,
    ],
)
def test_a_missing_or_unknown_token_is_401(client, contract, header):
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    response = client.get("/api/v1/contracts/", **extra)
    assert response.status_code == 401
    assert response["Content-Type"] == PROBLEM
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_an_expired_token_is_401(client, alice, contract):
    _token, raw = create_token(user=alice, name="Senas", scope=ApiToken.Scope.READ, days=30)
    assert client.get("/api/v1/contracts/", **bearer(raw)).status_code == 200
    with time_machine.travel(dt.datetime(2026, 6, 15, 12, 0, tzinfo=dt.UTC), tick=False):
        response = client.get("/api/v1/contracts/", **bearer(raw))
    assert response.status_code == 401
    assert response.json()["detail"] == "Rakto galiojimas baigėsi."


def test_a_revoked_token_is_401(client, alice, contract, read_token):
    token = ApiToken.objects.get(user=alice)
    client.force_login(alice)
    client.post(reverse("accounts:api_token_revoke", args=[token.pk]))
    client.logout()
    assert client.get("/api/v1/contracts/", **bearer(read_token)).status_code == 401


def test_the_limit_per_token_answers_429(client, alice, contract, read_token, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "api": "3/m/key"}
    for _ in range(3):
        assert client.get("/api/v1/contracts/", **bearer(read_token)).status_code == 200
    refused = client.get("/api/v1/contracts/", **bearer(read_token))
    assert refused.status_code == 429
    assert refused["Content-Type"] == PROBLEM
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert refused.json()["retry_after"] == int(refused["Retry-After"])
    # The count is on the token's row in the database, shared by every process (not the cache).
    cache.clear()
    assert client.get("/api/v1/contracts/", **bearer(read_token)).status_code == 429
    # A minute after the window's first call a new window begins.
    with time_machine.travel(dt.datetime(2026, 5, 15, 12, 1, tzinfo=VILNIUS), tick=False):
        assert client.get("/api/v1/contracts/", **bearer(read_token)).status_code == 200
    # The limit is the token's: another token of the same user still works.
    _other, raw = create_token(user=alice, name="Kitas", scope=ApiToken.Scope.READ, days=30)
    assert client.get("/api/v1/contracts/", **bearer(raw)).status_code == 200


def test_the_portal_session_reads_and_needs_csrf_to_declare(alice, contract, meter):
    from mokesta.api.tests.conftest import ApiClient

    browser = ApiClient(enforce_csrf_checks=True)
    browser.force_login(alice)
    assert browser.get("/api/v1/contracts/").status_code == 200
    response = browser.post(
        f"/api/v1/contracts/{contract.pk}/readings/",
        {"readings": [{"meter_id": meter.pk, "value": 165}]},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert response.json()["type"].endswith(":csrf-failed")
    assert not Reading.objects.filter(meter=meter, period="2026-05-01").exists()


def test_english_by_accept_language(client, contract, read_token):
    response = client.get(
        "/api/v1/contracts/999999/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9", **bearer(read_token)
    )
    assert response.json()["title"] == "Not found"
    assert response["Content-Language"] == "en"
    lithuanian = client.get("/api/v1/contracts/999999/", **bearer(read_token))
    assert lithuanian.json()["title"] == "Nerasta"


def test_a_post_without_a_token_is_401_not_a_csrf_failure(client, contract, meter):
    response = client.post(
        f"/api/v1/contracts/{contract.pk}/readings/",
        {"readings": [{"meter_id": meter.pk, "value": 165}]},
        content_type="application/json",
    )
    assert response.status_code == 401


def test_answers_are_never_cached_and_unknown_addresses_are_problems(client, contract, read_token):
    response = client.get("/api/v1/contracts/", **bearer(read_token))
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    unknown = client.get("/api/v2/contracts/", **bearer(read_token))
    assert unknown.status_code == 404
    assert unknown["Content-Type"] == PROBLEM


@pytest.mark.parametrize(
    ("role", "may_declare"),
    [("view", False), ("pay", False), ("declare", True)],
)
def test_a_household_member_reads_and_declares_by_role(
    client, contract, meter, invoices, bob, role, may_declare
):
    """Issue 22's roles hold in the API: every member reads the contract; only holders and
    „Deklaruoja" declare (others get the pages' 404), whatever their token's scope."""
    add_member(contract, bob, role)
    _token, raw = create_token(user=bob, name="Namai", scope=ApiToken.Scope.DECLARE, days=30)
    auth = bearer(raw)
    for path in endpoints(contract.pk, invoices[0].pk):
        assert client.get(path, **auth).status_code == 200, path
    response = client.post(
        f"/api/v1/contracts/{contract.pk}/readings/",
        {"readings": [{"meter_id": meter.pk, "value": 165}]},
        content_type="application/json",
        **auth,
    )
    saved = Reading.objects.filter(meter=meter, period="2026-05-01").exists()
    assert (response.status_code != 404, saved) == (may_declare, may_declare), response.json()
