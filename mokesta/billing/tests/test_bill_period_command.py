import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command

from mokesta.billing.models import Invoice
from mokesta.billing.tests.conftest import add_meter, at, make_contract


@pytest.mark.usefixtures("tariffs")
def test_it_bills_the_month_given() -> None:
    add_meter(make_contract(), readings={"2026-11": 110})
    out = StringIO()
    with time_machine.travel(at("2026-12-03"), tick=False):
        call_command("bill_period", "2026-11", stdout=out)
    assert "2026-11: 1" in out.getvalue()
    assert Invoice.objects.get().period.month == dt.date(2026, 11, 1)


@pytest.mark.django_db
@pytest.mark.parametrize("wrong", ["2026-13", "11-2026x", "2026/11", "2026-11-01", "lapkritis", ""])
def test_it_rejects_a_wrong_month_with_a_clear_error(wrong: str) -> None:
    with pytest.raises(CommandError, match="YYYY-MM"):
        call_command("bill_period", wrong)


@pytest.mark.usefixtures("tariffs")
def test_it_refuses_a_month_that_has_not_ended() -> None:
    with (
        time_machine.travel(at("2026-11-20"), tick=False),
        pytest.raises(CommandError, match="2026-11"),
    ):
        call_command("bill_period", "2026-11")
    assert not Invoice.objects.exists()
