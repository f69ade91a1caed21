"""Declaring through the API refuses what the portal's form refuses, with its Lithuanian
messages named by the request's fields."""

import pytest

from mokesta.api.tests.conftest import bearer
from mokesta.metering.models import Reading


def declare(client, contract, token, readings, **extra):
    return client.post(
        f"/api/v1/contracts/{contract.pk}/readings/",
        {"readings": readings, **extra},
        content_type="application/json",
        **bearer(token),
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("12.5", "sveiką skaičių"),
        ("abc", "sveiką skaičių"),
        ("٢٠٠", "sveiką skaičių"),
        (-5, "neigiami"),
        (159, "mažesni"),
        (1000000, "skaitmenis"),
    ],
)
def test_it_refuses_what_the_portal_refuses(client, contract, meter, declare_token, value, message):
    response = declare(client, contract, declare_token, [{"meter_id": meter.pk, "value": value}])
    assert response.status_code == 422
    body = response.json()
    assert body["type"].endswith(":declaration-refused")
    assert body["errors"][0]["field"] == "readings.0.value"
    assert message in body["errors"][0]["message"]
    assert not Reading.objects.filter(meter=meter, period="2026-05-01").exists()


def test_it_refuses_a_past_month(client, contract, meter, declare_token):
    response = declare(
        client, contract, declare_token, [{"meter_id": meter.pk, "value": 165}], month="2026-04-01"
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == ""
    assert "2026-04-30" in response.json()["errors"][0]["message"]


def test_it_refuses_an_empty_declaration_and_a_bad_body(client, contract, meter, declare_token):
    assert declare(client, contract, declare_token, []).status_code == 422
    bad = declare(client, contract, declare_token, [{"meter_id": "x", "value": 1}])
    assert bad.status_code == 422
    assert bad.json()["type"].endswith(":invalid-request")
    assert bad.json()["errors"][0]["field"] == "readings.0.meter_id"
    twice = declare(
        client,
        contract,
        declare_token,
        [{"meter_id": meter.pk, "value": 165}, {"meter_id": meter.pk, "value": 166}],
    )
    assert twice.status_code == 422


def test_a_plausible_reading_is_saved_without_confirmation(client, contract, meter, declare_token):
    response = declare(client, contract, declare_token, [{"meter_id": meter.pk, "value": "165"}])
    assert response.status_code == 201
    assert response.json()["estimated_cost"]["total"] != "0.00"
    assert Reading.objects.get(meter=meter, period="2026-05-01").value == 165


def test_a_page_past_the_last_is_404(client, contract, meter, read_token):
    url = f"/api/v1/contracts/{contract.pk}/readings/"
    assert client.get(url, {"page": 1}, **bearer(read_token)).json()["count"] == 12
    assert client.get(url, {"page": 2}, **bearer(read_token)).status_code == 404
    assert client.get(url, {"page": "x"}, **bearer(read_token)).status_code == 422


def test_messages_list_is_the_users_history(client, alice, contract, read_token):
    from mokesta.outbox.models import OutgoingMessage

    OutgoingMessage.objects.create(
        channel="sms", recipient="+37060000000", template="reminder", dedup_key="k1", user=alice
    )
    listed = client.get("/api/v1/messages/", **bearer(read_token)).json()
    assert [m["channel"] for m in listed["items"]] == ["sms"]
