"""Migration 0009: documents issued before it get the seller's details, the contract number, a
public body's references, their drinking-water m³ and the readings, from what they print today."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("billing", "0008_invoice_opening_balance")]
AFTER = [("billing", "0009_frozen_at_issue")]


def latest(executor: MigrationExecutor) -> list[tuple[str, str]]:
    """The other apps the rows need, as they are now."""
    return [
        node
        for node in executor.loader.graph.leaf_nodes()
        if node[0] in ("utility", "customers", "metering")
    ]


@pytest.mark.django_db(transaction=True)
def test_issued_rows_are_filled_from_what_they_print_today() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    try:
        apps = executor.loader.project_state(BEFORE + latest(executor)).apps
        utility = apps.get_model("utility", "Utility").objects.create(
            name="VšĮ Velžio komunalinis ūkis",
            short_name="Velžio komunalinis ūkis",
            address="Liepų g. 1, Velžys",
            iban="LT407300010012345678",
            bank_name="Swedbank",
        )
        customer = apps.get_model("customers", "Customer").objects.create(
            name="Lopšelis", payer_code="P1", address="Beržų g. 2", buyer_reference="VLD-1"
        )
        contract = apps.get_model("customers", "Contract").objects.create(
            number="S-1", customer=customer, start_date="2025-01-01", category="apartment"
        )
        point = apps.get_model("customers", "ServicePoint").objects.create(
            contract=contract, address="Beržų g. 2"
        )
        meter = apps.get_model("metering", "Meter").objects.create(
            service_point=point,
            serial_number="SK1",
            installed_on="2025-01-01",
            verified_on="2025-01-01",
            initial_reading=400,
        )
        Reading = apps.get_model("metering", "Reading")
        for month, value, source in [
            ("2026-09-01", 490, "customer"),
            ("2026-10-01", 500, "estimate"),
            ("2026-11-01", 573, "customer"),
        ]:
            Reading.objects.create(meter=meter, period=month, value=value, source=source)
        period = apps.get_model("billing", "BillingPeriod").objects.create(month="2026-11-01")
        Invoice = apps.get_model("billing", "Invoice")
        common = {
            "contract": contract,
            "period": period,
            "issue_date": dt.date(2026, 12, 3),
            "due_date": dt.date(2026, 12, 31),
            "customer_name": "Lopšelis",
            "customer_address": "Beržų g. 2",
            "payer_code": "P1",
            "net": Decimal("0"),
            "vat": Decimal("0"),
            "total": Decimal("0"),
            "amount_due": Decimal("0"),
        }
        invoice = Invoice.objects.create(
            series="VKU", sequence=1, number="VKU000001", payment_code="C1", **common
        )
        note = Invoice.objects.create(
            series="VKU",
            sequence=2,
            number="VKU000002",
            payment_code="VKU000002",
            kind="credit_note",
            corrects=invoice,
            **common,
        )
        InvoiceLine = apps.get_model("billing", "InvoiceLine")
        for document, sign in [(invoice, 1), (note, -1)]:
            for service, quantity in [("water", 73), ("wastewater", 73), ("fee", 1)]:
                InvoiceLine.objects.create(
                    invoice=document,
                    service=service,
                    description=service,
                    quantity=sign * quantity,
                    unit="m³",
                    unit_price=Decimal(0),
                    net=Decimal(0),
                    vat_rate=Decimal(21),
                    vat=Decimal(0),
                    total=Decimal(0),
                )

        executor = MigrationExecutor(connection)
        executor.migrate(AFTER)
        apps = executor.loader.project_state(AFTER + latest(executor)).apps
        Invoice = apps.get_model("billing", "Invoice")
        filled = Invoice.objects.get(number="VKU000001")
        credit = Invoice.objects.get(number="VKU000002")
        seller = apps.get_model("billing", "Seller").objects.get()
        assert filled.seller_id == credit.seller_id == seller.pk
        assert (seller.name, seller.address, seller.iban, seller.bank_name) == (
            utility.name,
            "Liepų g. 1, Velžys",
            "LT407300010012345678",
            "Swedbank",
        )
        assert (filled.contract_number, filled.buyer_reference) == ("S-1", "VLD-1")
        assert (filled.water_m3, credit.water_m3) == (Decimal(73), Decimal(-73))
        assert filled.price_m3 is None  # the directive's figures were never printed on it
        readings = apps.get_model("billing", "BilledReading").objects.all()
        assert [
            (r.invoice_id, r.meter_serial, r.previous, r.previous_estimated, r.current)
            for r in readings
        ] == [(filled.pk, "SK1", 500, True, 573)]  # a credit note prints no readings
    finally:
        MigrationExecutor(connection).migrate(executor.loader.graph.leaf_nodes())
