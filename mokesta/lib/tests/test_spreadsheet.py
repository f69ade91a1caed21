"""CSV exports neutralise cells a spreadsheet would run as a formula (OWASP CSV injection)."""

import csv
import io
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from mokesta.accounts.models import User
from mokesta.lib import spreadsheet
from mokesta.testing.factories import make_contract, make_meter


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+370 600 00000", "'+370 600 00000"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("SN-12345", "SN-12345"),  # a formula character inside the text is harmless
        ("", ""),
        (-5, -5),  # numbers are numbers
        (Decimal("-1.50"), Decimal("-1.50")),
        (None, None),
    ],
)
def test_a_cell_that_starts_like_a_formula_gets_an_apostrophe(
    value: object, written: object
) -> None:
    assert spreadsheet.safe_cell(value) == written


def test_the_writer_writes_every_row_through_it() -> None:
    out = io.StringIO()
    writer = spreadsheet.writer(out, delimiter=";")
    writer.writerow(["=cmd|' /C calc'!A0", 12])
    writer.writerows([["@x", "ok"]])
    assert list(csv.reader(io.StringIO(out.getvalue()), delimiter=";")) == [
        ["'=cmd|' /C calc'!A0", "12"],
        ["'@x", "ok"],
    ]


@pytest.mark.django_db
def test_a_meter_serial_starting_with_equals_is_text_in_the_consumption_csv(
    client: Client, alice: User
) -> None:
    contract = make_contract(user=alice)
    meter = make_meter(contract)
    meter.serial_number = '=HYPERLINK("http://x.test","Ok")'  # 32 of 40 characters
    meter.save(update_fields=["serial_number"])
    client.force_login(alice)
    response = client.get(reverse("metering:consumption_csv", args=[contract.pk]))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    serials = {row[0] for row in rows[1:]}
    assert serials == {"'" + meter.serial_number}
