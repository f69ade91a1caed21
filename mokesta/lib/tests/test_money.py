from decimal import Decimal

import pytest

from mokesta.lib.money import round_m3, round_money


@pytest.mark.parametrize(
    ("value", "expected"),
    [("0.005", "0.01"), ("0.004", "0.00"), ("2.675", "2.68"), ("-0.005", "-0.01"), (3, "3.00")],
)
def test_round_money_is_half_up_to_cents(value: str, expected: str) -> None:
    assert round_money(value) == Decimal(expected)


@pytest.mark.parametrize(("value", "expected"), [("12.499", 12), ("12.5", 13), ("0.4", 0)])
def test_round_m3_rounds_500_litres_up(value: str, expected: int) -> None:
    assert round_m3(value) == expected


def test_floats_are_refused() -> None:
    with pytest.raises(TypeError):
        round_money(0.1)  # type: ignore[arg-type]
