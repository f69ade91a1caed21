"""An example answer of each operation, for the OpenAPI description (test_openapi checks that
every operation has one and that each validates against its schema)."""

from typing import Any

CONTRACT = {
    "id": 1,
    "number": "VK-000123",
    "category": "apartment",
    "category_label": "Butas",
    "start_date": "2021-03-01",
    "end_date": None,
    "addresses": ["Velžio g. 1-5, Velžys"],
    "balance": "18.47",
    "amount_due_now": "18.47",
    "overdue": "0.00",
    "due_by": "2026-12-31",
}
METER = {
    "id": 7,
    "serial_number": "LT-2201",
    "name": "Virtuvė",
    "kind": "apartment",
    "garden": False,
    "installed_on": "2021-03-01",
    "verification_due": "2027-03-01",
}
READING = {
    "meter_id": 7,
    "serial_number": "LT-2201",
    "period": "2026-11-01",
    "value": 412,
    "source": "customer",
    "estimated": False,
}
INVOICE = {
    "id": 31,
    "number": "VKU-000451",
    "kind": "invoice",
    "period": "2026-11-01",
    "issue_date": "2026-12-05",
    "due_date": "2026-12-31",
    "total": "18.47",
    "amount_due": "18.47",
    "state": "unpaid",
    "unpaid": "18.47",
    "corrects": None,
}
QR = "BCD\n002\n1\nSCT\n\nVšĮ Velžio komunalinis ūkis\nLT121000011101001000\nEUR18.47\n\n\n"
DETAILS = "1234567 100123 VKU-000451"

EXAMPLES: dict[str, Any] = {
    "list_contracts": {"count": 1, "page": 1, "pages": 1, "items": [CONTRACT]},
    "get_contract": {
        "id": 1,
        "number": "VK-000123",
        "category": "apartment",
        "category_label": "Butas",
        "start_date": "2021-03-01",
        "end_date": None,
        "customer_name": "Ona Onaitė",
        "payer_code": "100123",
        "service_points": [{"address": "Velžio g. 1-5, Velžys", "meters": [METER]}],
    },
    "list_readings": {"count": 1, "page": 1, "pages": 1, "items": [READING]},
    "get_consumption": {
        "contract_id": 1,
        "meters": [
            {
                "meter_id": 7,
                "serial_number": "LT-2201",
                "months": [
                    {"month": "2026-10-01", "m3": 4, "estimated": True},
                    {"month": "2026-11-01", "m3": 5, "estimated": False},
                ],
            }
        ],
    },
    "declare_readings": {
        "month": "2026-12-01",
        "readings": [{**READING, "period": "2026-12-01", "value": 417}],
        "estimated_cost": {"net": "15.26", "vat": "3.21", "total": "18.47"},
    },
    "list_invoices": {"count": 1, "page": 1, "pages": 1, "items": [INVOICE]},
    "get_invoice": {
        **INVOICE,
        "contract_number": "VK-000123",
        "customer_name": "Ona Onaitė",
        "customer_address": "Velžio g. 1-5, Velžys",
        "net": "15.26",
        "vat": "3.21",
        "interest": "0.00",
        "previous_balance": "0.00",
        "payment_code": "1234567",
        "payer_code": "100123",
        "lines": [
            {
                "description": "Geriamasis vanduo",
                "quantity": "5.000",
                "unit": "m³",
                "unit_price": "1.2300",
                "net": "6.15",
                "vat": "1.29",
                "total": "7.44",
            }
        ],
        "payment": {
            "payee": "VšĮ Velžio komunalinis ūkis",
            "iban": "LT121000011101001000",
            "bank_name": "AB SEB bankas",
            "payee_code": "12345",
            "payment_code": "1234567",
            "payer_code": "100123",
            "amount": "18.47",
            "details": DETAILS,
            "epc_qr": QR + DETAILS,
        },
        "pdf": "/api/v1/contracts/1/invoices/31/pdf",
    },
    "list_payments": {
        "count": 1,
        "page": 1,
        "pages": 1,
        "items": [{"id": 12, "paid_on": "2026-11-20", "amount": "17.90", "source": "bank"}],
    },
    "list_messages": {
        "count": 1,
        "page": 1,
        "pages": 1,
        "items": [
            {
                "id": 40,
                "channel": "email",
                "subject": "Mokėjimo pranešimas VKU-000451",
                "state": "sent",
                "created_at": "2026-12-05T08:00:00+02:00",
                "sent_at": "2026-12-05T08:00:03+02:00",
            }
        ],
    },
}

PROBLEM = {
    "type": "tag:mokesta.lt,2026:problem:not-found",
    "title": "Nerasta",
    "status": 404,
    "detail": "Tarp jūsų duomenų tokio objekto nėra.",
    "instance": "/api/v1/contracts/999/",
}
