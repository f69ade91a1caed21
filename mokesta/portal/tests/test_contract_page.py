"""The contract page, whose service points and meters come in one plain-SQL query
(metering.queries.contract_page): all of a point's meters by serial number, what was typed
escaped, another user's contract a 404."""

import datetime as dt

from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mokesta.customers.models import ContractAccess, ServicePoint
from mokesta.metering.models import Meter
from mokesta.testing.factories import make_contract, make_meter


def meter_row(meter: Meter, garden: str = "") -> str:
    url = reverse("metering:meter", args=[meter.pk])
    due = f"{meter.verification_due:%Y-%m-%d}"
    return (
        f"<tr><td>{meter.serial_number}{garden}</td>\n"
        f'        <td data-label="Installed">{meter.installed_on:%Y-%m-%d}</td>'
        f'<td data-label="Verification due">{due}</td>\n'
        f'        <td><a href="{url}">Readings</a></td></tr>'
    )


def test_it_shows_each_service_point_with_all_its_meters_in_english(client, alice):
    contract = make_contract(
        user=alice, name="O'Brien & <Co>", end=dt.date(2030, 2, 28), address="<b>Liepų</b> g. 3"
    )
    garden = make_meter(contract, garden=True)
    removed = make_meter(contract)
    removed.removed_on, removed.kind, removed.verified_on = (
        dt.date(2024, 1, 1),
        Meter.Kind.INLET,
        dt.date(2020, 2, 29),
    )
    removed.save()
    ServicePoint.objects.create(contract=contract, address="No meters here")
    second = ServicePoint.objects.create(contract=contract, address="Second point")
    late = Meter.objects.create(
        service_point=second,
        serial_number="ZZ<9>",
        installed_on=dt.date(2021, 3, 3),
        verified_on=dt.date(2021, 3, 3),
    )
    early = Meter.objects.create(
        service_point=second,
        serial_number="AA1",
        installed_on=dt.date(2021, 3, 3),
        verified_on=dt.date(2021, 3, 3),
    )
    client.force_login(alice)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    page = client.get(reverse("customers:contract", args=[contract.pk])).content.decode()

    assert f"<h1>Contract {contract.number}</h1>" in page
    payer = contract.customer.payer_code
    assert f"<dd>O&#x27;Brien &amp; &lt;Co&gt; (payer code {payer})</dd>" in page
    assert "<dt>Valid</dt><dd>2020-01-01 – 2030-02-28</dd>" in page
    assert "<dd>house</dd>" in page
    headings = ["&lt;b&gt;Liepų&lt;/b&gt; g. 3", "No meters here", "Second point"]
    positions = [page.index(f"<h2>{heading}</h2>") for heading in headings]
    assert positions == sorted(positions)
    assert page.count('<caption class="helptext">Meters</caption>') == 3
    assert meter_row(garden, " (garden watering)") in page
    assert meter_row(removed) in page  # removed meters are listed too
    assert "2022-02-28" in meter_row(removed)  # an inlet meter: 2 years, from 29 February
    late_row = meter_row(late).replace("ZZ<9>", "ZZ&lt;9&gt;")
    assert page.index(meter_row(early)) < page.index(late_row)
    declare = reverse("metering:declare", args=[contract.pk])
    assert f'<a class="button" href="{declare}">Declare readings</a>' in page


def test_a_contract_without_service_points_or_an_end(client, alice):
    contract = make_contract(user=alice)
    ServicePoint.objects.filter(contract=contract).delete()
    client.force_login(alice)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("customers:contract", args=[contract.pk])).content.decode()
    assert "<dd>2020-01-01 – indefinitely</dd>" in page
    assert "<h2>" not in page


def test_another_users_or_a_missing_contract_is_a_404(client, alice, bob):
    contract = make_contract(user=alice)
    client.force_login(bob)
    assert client.get(reverse("customers:contract", args=[contract.pk])).status_code == 404
    assert client.get(reverse("customers:contract", args=[contract.pk + 1])).status_code == 404


def test_the_page_reads_its_data_in_one_query(client, alice, bob):
    contract = make_contract(user=alice)
    make_meter(contract)
    make_meter(contract)
    ContractAccess.objects.create(
        user=bob, contract=contract, via=ContractAccess.Via.INVITATION, role="view"
    )
    url = reverse("customers:contract", args=[contract.pk])
    for user, most in ((bob, 4), (alice, 7)):
        client.force_login(user)
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        # the session, the user, the page's own (with the user's role), and the e-invoice
        # order (billing.einvoice_status); a holder's page adds „Prieiga" (its members, its
        # open invitations) and „Išvykstu" (the away periods).
        assert len(queries) <= most


def test_the_customer_names_a_meter_and_it_shows_where_the_serial_is(client, alice, bob):
    contract = make_contract(user=alice)
    meter = make_meter(contract)
    client.force_login(alice)
    url = reverse("customers:rename_meter", args=[contract.pk, meter.pk])
    assert client.get(url).status_code == 405  # a change is a POST
    response = client.post(url, {"name": "Virtuvė"})
    assert response.status_code == 302
    meter.refresh_from_db()
    assert meter.name == "Virtuvė"
    assert (
        f"Virtuvė ({meter.serial_number})"
        in client.get(reverse("portal:dashboard")).content.decode()
    )
    page = client.get(reverse("customers:contract", args=[contract.pk])).content.decode()
    assert f"Virtuvė ({meter.serial_number})" in page


def test_a_too_long_meter_name_is_refused_next_to_the_field_and_kept(client, alice):
    contract = make_contract(user=alice)
    meter = make_meter(contract)
    client.force_login(alice)
    url = reverse("customers:rename_meter", args=[contract.pk, meter.pk])
    response = client.post(url, {"name": "Ž" * 41})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Pavadinimas gali būti ne ilgesnis kaip 40 simbolių." in html
    assert 'value="' + "Ž" * 41 + '"' in html
    meter.refresh_from_db()
    assert meter.name == ""


def test_no_one_names_another_customers_meter(client, alice, bob):
    theirs = make_contract(user=bob)
    meter = make_meter(theirs)
    mine = make_contract(user=alice)
    client.force_login(alice)
    for contract in (theirs, mine):
        url = reverse("customers:rename_meter", args=[contract.pk, meter.pk])
        assert client.post(url, {"name": "X"}).status_code == 404
    meter.refresh_from_db()
    assert meter.name == ""
