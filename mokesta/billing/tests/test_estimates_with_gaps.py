"""The billing run estimates a month without a reading from average_monthly over the meter's
actual readings, however long ago the last ones were (it loads the readings before its 13-month
window in one more query, not per contract). Apartment tariffs: water 1.0200, wastewater
1.3400 €/m³, meter fee 0.7800 €/month, VAT 21 %."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mokesta.billing.tests.conftest import add_meter, bill, invoice_of, make_contract
from mokesta.metering.models import Reading
from mokesta.portal.declare import meter_states

D = Decimal

# name: (installed on, initial reading, actual readings, average m³ a month) — October 2026 is
# billed without a reading for it.
HISTORIES = {
    # 5 m³ a month, nothing declared for 2026-04 … 2026-06: (210 − 150) / 12
    "gap of 3 months": (
        "2025-01-01",
        100,
        {
            "2025-09": 150,
            "2025-10": 155,
            "2025-11": 160,
            "2025-12": 165,
            "2026-01": 170,
            "2026-02": 175,
            "2026-03": 180,
            "2026-07": 200,
            "2026-08": 205,
            "2026-09": 210,
        },
        5,
    ),
    # 30 m³ a month until 2025-07, then nothing until 2026-09: (450 − 310) / 14
    "gap of 14 months": (
        "2025-01-01",
        100,
        {f"2025-{m:02d}": 100 + 30 * m for m in range(1, 8)} | {"2026-09": 450},
        10,
    ),
    # (350 − 50) / 30
    "gap of 30 months": ("2020-01-01", 0, {"2024-03": 50, "2026-09": 350}, 10),
    # Empty for four months (the same value declared), then used, then empty again: 36 / 12
    "vacancy": (
        "2025-01-01",
        100,
        {f"2025-{m:02d}": 100 for m in range(9, 13)}
        | {"2026-01": 106, "2026-02": 112, "2026-03": 118, "2026-04": 124}
        | {f"2026-{m:02d}": 136 for m in range(5, 10)},
        3,
    ),
    # Installed in 2005 at 0; the migrated data starts in 2026: (3116 − 3100) / 2
    "migrated history": ("2005-06-10", 0, {"2026-07": 3100, "2026-09": 3116}, 8),
    # The audit: 1767 / 93 = 19 over the meter's whole life, but (1767 − 1567) / 20 = 10
    "the audit's case": (
        "2019-01-07",
        0,
        {"2023-01": 1050, "2024-01": 1310, "2025-01": 1567, "2026-09": 1767},
        10,
    ),
}


@pytest.mark.usefixtures("tariffs")
@pytest.mark.parametrize("name", HISTORIES)
def test_the_estimate_is_the_average_of_the_actual_readings(name: str) -> None:
    installed, initial, readings, average = HISTORIES[name]
    contract = make_contract(start=installed)
    meter = add_meter(contract, installed=installed, initial=initial, readings=readings)
    # The declaration page's unusual-reading warning compares with the same average.
    [state] = meter_states(contract, dt.date(2026, 10, 1))
    assert state.average == D(average)

    bill("2026-10", on="2026-11-04")

    last_value = readings[max(readings)]
    estimate = Reading.objects.get(meter=meter, period="2026-10-01")
    assert (estimate.value, estimate.source) == (last_value + average, Reading.Source.ESTIMATE)
    water = invoice_of(contract, "2026-10").lines.get(service="water")
    assert (water.quantity, water.estimated) == (D(average), True)


@pytest.mark.usefixtures("tariffs")
def test_the_audit_case_is_invoiced_to_the_cent() -> None:
    installed, initial, readings, _average = HISTORIES["the audit's case"]
    contract = make_contract(start=installed)
    add_meter(contract, installed=installed, initial=initial, readings=readings)

    bill("2026-10", on="2026-11-04")

    october = invoice_of(contract, "2026-10")
    # 10 m³ estimated: water 10.20 + 2.142→2.14; wastewater 13.40 + 2.814→2.81; fee 0.78 + 0.16
    assert [(line.service, line.quantity, line.net, line.vat) for line in october.lines.all()] == [
        ("water", D("10.000"), D("10.20"), D("2.14")),
        ("wastewater", D("10.000"), D("13.40"), D("2.81")),
        ("fee", D("1.000"), D("0.78"), D("0.16")),
    ]
    assert (october.net, october.vat, october.total) == (D("24.38"), D("5.11"), D("29.49"))


@pytest.mark.usefixtures("tariffs")
def test_older_readings_cost_the_same_queries_for_one_contract_or_many() -> None:
    """The readings before the window come in one bulk query, not one per contract."""
    for i in range(6):
        # G-0 is billed alone in August and September, all six in October.
        contract = make_contract(f"G-{i}", start="2020-01-01" if i == 0 else "2026-10-01")
        add_meter(
            contract, installed="2020-01-01", initial=0, readings={"2024-03": 50, "2026-07": 350}
        )
    bill("2026-08", on="2026-09-03")  # the first run also creates the invoice sequence
    with CaptureQueriesContext(connection) as one:
        bill("2026-09", on="2026-10-05")
    # Every meter still has fewer than two actual readings in its window: each needs its
    # older readings.
    with CaptureQueriesContext(connection) as six:
        bill("2026-10", on="2026-11-04")

    assert Reading.objects.filter(period="2026-10-01", source="estimate").count() == 6
    assert len(six.captured_queries) == len(one.captured_queries)
