"""Done when: a client walks the API — a token made in the profile, contracts, invoices,
consumption, a reading refused then confirmed, the token revoked → 401."""

import re

from django.contrib.admin.models import LogEntry
from django.urls import reverse

from mokesta.accounts.models import ApiToken
from mokesta.api.tests.conftest import ApiClient, bearer
from mokesta.metering.models import Reading

PROBLEM = "application/problem+json"


def test_a_client_walks_the_api(client, alice, contract, meter, invoices):
    # The token, made in „Mano duomenys" → „API raktai", shown once.
    client.force_login(alice)
    page = client.post(
        reverse("accounts:api_tokens"), {"name": "Namų sistema", "scope": "declare", "days": "90"}
    )
    assert page.status_code == 200
    raw = re.search(r'value="(mk_[0-9a-f]{8}_[A-Za-z0-9_-]+)"', page.content.decode())[1]
    assert raw not in client.get(reverse("accounts:api_tokens")).content.decode()
    program = ApiClient()
    auth = bearer(raw)

    contracts = program.get("/api/v1/contracts/", **auth).json()
    assert contracts["count"] == 1
    listed = contracts["items"][0]
    assert listed["number"] == contract.number
    assert listed["balance"] == "30.25"  # 24.20 + 30.25 billed, 24.20 paid

    march, april = invoices
    found = program.get(f"/api/v1/contracts/{contract.pk}/invoices/", **auth).json()
    assert [(i["number"], i["state"]) for i in found["items"]] == [
        (april.number, "unpaid"),
        (march.number, "paid"),
    ]
    detail = program.get(f"/api/v1/contracts/{contract.pk}/invoices/{april.pk}/", **auth).json()
    assert detail["payment"]["amount"] == "30.25"
    assert detail["payment"]["epc_qr"].startswith("BCD\n002\n1\nSCT\n")
    assert "EUR30.25" in detail["payment"]["epc_qr"]
    assert detail["lines"][0]["quantity"] == "5.000"
    pdf = program.get(detail["pdf"], **auth)
    assert pdf["Content-Type"] == "application/pdf"

    consumption = program.get(f"/api/v1/contracts/{contract.pk}/consumption/", **auth).json()
    months = consumption["meters"][0]["months"]
    assert months[-2] == {"month": "2026-04-01", "m3": 5, "estimated": False}

    # 40 m³ in a month against an average of 5: the portal would ask to confirm.
    body = {"readings": [{"meter_id": meter.pk, "value": 200}]}
    url = f"/api/v1/contracts/{contract.pk}/readings/"
    refused = program.post(url, body, content_type="application/json", **auth)
    assert refused.status_code == 422
    assert refused["Content-Type"] == PROBLEM
    assert refused.json()["type"].endswith(":confirmation-required")
    assert refused.json()["warnings"][0]["meter_id"] == meter.pk
    assert "vidurkį" in refused.json()["warnings"][0]["messages"][0]
    assert not Reading.objects.filter(meter=meter, period="2026-05-01").exists()

    body["confirm_unusual"] = True
    saved = program.post(url, body, content_type="application/json", **auth)
    assert saved.status_code == 201
    assert saved.json()["readings"][0]["value"] == 200
    reading = Reading.objects.get(meter=meter, period="2026-05-01")
    assert (reading.value, reading.source, reading.created_by) == (200, "customer", alice)
    readings = program.get(url, **auth).json()
    assert readings["items"][0]["value"] == 200

    # Every use is in the audit trail; the list shows the last use.
    token = ApiToken.objects.get(user=alice)
    assert (
        LogEntry.objects.filter(object_id=str(token.pk), change_message__startswith="API:").count()
        == 8
    )
    assert token.last_used_at is not None

    revoked = client.post(reverse("accounts:api_token_revoke", args=[token.pk]))
    assert revoked.status_code == 302
    after = program.get("/api/v1/contracts/", **auth)
    assert after.status_code == 401
    assert after["WWW-Authenticate"].startswith("Bearer")
    assert after.json()["detail"] == "Raktas atšauktas."
