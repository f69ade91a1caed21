"""A linked contract with `months` of history: readings, invoices and payments."""

import datetime as dt

from mokesta.lib.dates import add_months, local_today, month_start
from mokesta.testing.factories import (
    add_readings,
    make_contract,
    make_invoice,
    make_meter,
    make_payment,
    make_tariffs,
)


def make_history(user, months: int) -> dict:
    this_month = month_start(local_today())
    first = add_months(this_month, -months)
    contract = make_contract(user=user, name="Ona Kazlauskienė")
    make_tariffs()
    meters = [make_meter(contract, installed=first), make_meter(contract, installed=first)]
    readings = []
    for meter in meters:
        readings += add_readings(meter, last_month=add_months(this_month, -1), count=months)
    invoices = []
    for i in range(months):
        month = add_months(first, i)
        invoice = make_invoice(contract, month=month)
        invoices.append(invoice)
        make_payment(contract, amount="24.20", day=invoice.issue_date + dt.timedelta(days=3))
    return {
        "contract": contract,
        "meter": meters[0],
        "reading": readings[-1],
        "invoice": invoices[-1],
    }
