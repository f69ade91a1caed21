"""What a typed or stale admin URL gets: a 404 for an id that names no object, a message for a
date filter outside the years a list may ask for, never a server error."""

import pytest
from django.contrib import admin
from django.db import models
from django.test import Client

from mokesta.accounts.models import User
from mokesta.testing.factories import make_contract, make_meter

from .conftest import admin_client

pytestmark = pytest.mark.django_db

BAD_IDS = ["abc", "1.5", "-", "%00", "1%2F2"]


@pytest.fixture
def client(staff: User) -> Client:
    client = admin_client(staff)
    client.raise_request_exception = False  # a server error is answered, and asserted on
    return client


def model_urls() -> list[str]:
    return [f"/admin/{m._meta.app_label}/{m._meta.model_name}/" for m in admin.site._registry]


def test_the_statement_import_with_a_wrong_id_is_404(client: Client) -> None:
    assert client.get("/admin/bank/statementimport/abc/change/").status_code == 404


@pytest.mark.parametrize("url", model_urls())
def test_every_change_delete_and_history_url_with_a_bad_id_is_404(client: Client, url) -> None:
    for bad in BAD_IDS:
        for page in ("change/", "delete/", "history/"):
            response = client.get(f"{url}{bad}/{page}")
            assert response.status_code in {403, 404}, (url, bad, page, response.status_code)
            if response.status_code == 403:  # no deleting here at all, whatever the id
                assert page == "delete/"


@pytest.mark.parametrize("missing", ["999999", "99999999999999999999", "１２"])
def test_a_well_formed_id_of_no_object_keeps_djangos_answer(client: Client, missing) -> None:
    """The index with „… neegzistuoja. Galbūt jis buvo ištrintas?", never a server error."""
    for url in model_urls():
        for page in ("change/", "history/"):
            response = client.get(f"{url}{missing}/{page}")
            assert response.status_code in {302, 404}, (url, missing, page)


def test_a_real_object_still_opens(client: Client) -> None:
    meter = make_meter(make_contract())
    assert client.get(f"/admin/metering/meter/{meter.pk}/change/").status_code == 200
    assert client.get(f"/admin/metering/meter/{meter.pk}/history/").status_code == 200


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("/admin/payments/statementimport/", "/admin/bank/statementimport/"),
        ("/admin/payments/statementimport/add/", "/admin/bank/statementimport/add/"),
        (
            "/admin/payments/statementimport/7/change/?page=2",
            "/admin/bank/statementimport/7/change/?page=2",
        ),
        (
            "/admin/payments/banktransaction/?state=payout",
            "/admin/bank/banktransaction/?state=payout",
        ),
        ("/admin/payments/banktransaction/a%20b/", "/admin/bank/banktransaction/a%20b/"),
    ],
)
def test_the_old_statement_addresses_lead_to_the_bank_app(client: Client, old, new) -> None:
    """Statement imports and bank transactions moved from payments to bank (issue 17)."""
    response = client.get(old)
    assert response.status_code == 301 and response["Location"] == new
    assert client.get("/admin/payments/payment/").status_code == 200  # payments stays
    assert client.get("/admin/payments/banktransaction/%0A/").status_code == 404


def test_a_visitor_is_still_sent_to_the_login() -> None:
    response = Client().get("/admin/bank/statementimport/abc/change/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def date_filters(model: type[models.Model]) -> list[dict[str, str]]:
    queries = []
    for field in model._meta.get_fields():
        if isinstance(field, models.DateField):
            name = field.name
            queries += [
                {f"{name}__year": "9999"},
                {f"{name}__year": "9999", f"{name}__month": "12"},
                {f"{name}__year": "9999", f"{name}__month": "12", f"{name}__day": "31"},
                {f"{name}__year": "1"},
                {f"{name}__gte": "0001-01-01"},
                {f"{name}__gte": "0001-01-01 00:00:00"},
                {f"{name}__lt": "9999-12-31"},
                {f"{name}__lt": "9999-12-31 23:59:59"},
                {f"{name}__gte": "99999-01-01"},
            ]
    return queries


@pytest.mark.parametrize("model", list(admin.site._registry), ids=lambda m: m._meta.label)
def test_no_date_filter_of_any_list_is_a_server_error(client: Client, model) -> None:
    url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
    for query in date_filters(model):
        response = client.get(url, query, follow=True)
        assert response.status_code < 500, (url, query)


def test_the_readings_of_year_9999_get_a_message_and_the_list(client: Client) -> None:
    response = client.get("/admin/metering/reading/", {"period__year": "9999"}, follow=True)

    assert response.status_code == 200
    assert response.redirect_chain == [("/admin/metering/reading/?", 302)]
    assert "Datos filtro metai turi būti nuo 1900 iki 2999." in response.content.decode()


def test_a_year_within_range_filters_as_before(client: Client) -> None:
    response = client.get("/admin/metering/reading/", {"period__year": "2026"})
    assert response.status_code == 200
