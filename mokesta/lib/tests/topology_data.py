"""Data for the topology test, written by `manage.py shell` into its own database: N contracts
with a meter read for the billed month and one user each who takes invoices by e-mail, and an
owner account with a known password. Bulk inserts, like bench/billing.py."""

import datetime as dt
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password

from mokesta.accounts.models import User
from mokesta.billing.models import Tariff
from mokesta.customers.models import Contract, ContractAccess, Customer, ServicePoint
from mokesta.lib.dates import add_months
from mokesta.metering.models import Meter, Reading
from mokesta.utility.models import Utility

OWNER = "owner@example.lt"
OWNER_PASSWORD = "Savininkas2026"


def populate(n: int, month: dt.date) -> None:
    Utility.objects.create(name="Topologija", short_name="Topologija", invoice_series="TOP")
    for service, price in (("water", "1.0200"), ("wastewater", "1.3400"), ("fee", "0.7800")):
        Tariff.objects.create(
            service=service, category="apartment", price=Decimal(price), valid_from="2000-01-01"
        )
    start = add_months(month, -2)
    Customer.objects.bulk_create(
        Customer(name=f"Mokėtojas {i}", payer_code=f"T{i:09d}", address=f"Gatvė {i}")
        for i in range(n)
    )
    customers = list(Customer.objects.order_by("pk").values_list("pk", flat=True))
    Contract.objects.bulk_create(
        Contract(number=f"T-{i:06d}", customer_id=c, start_date=start, category="apartment")
        for i, c in enumerate(customers)
    )
    contracts = list(Contract.objects.order_by("pk").values_list("pk", flat=True))
    ServicePoint.objects.bulk_create(
        ServicePoint(contract_id=c, address=f"Gatvė {c}") for c in contracts
    )
    points = list(ServicePoint.objects.order_by("pk").values_list("pk", flat=True))
    Meter.objects.bulk_create(
        Meter(
            service_point_id=p,
            serial_number=f"TM{p:09d}",
            installed_on=start,
            verified_on=start,
            initial_reading=100,
        )
        for p in points
    )
    Reading.objects.bulk_create(
        Reading(meter_id=m, period=month, value=107, source="customer")
        for m in Meter.objects.values_list("pk", flat=True)
    )
    User.objects.bulk_create(
        User(
            email=f"c{c}@example.lt",
            password="!",
            first_name="Ona",
            last_name="Topologija",
            invoices_by_email=True,
        )
        for c in contracts
    )
    users = dict(User.objects.filter(email__startswith="c").values_list("email", "pk"))
    ContractAccess.objects.bulk_create(
        ContractAccess(user_id=users[f"c{c}@example.lt"], contract_id=c, via="code")
        for c in contracts
    )
    owner = User.objects.create(
        email=OWNER, password=make_password(OWNER_PASSWORD), first_name="Ona", last_name="Savė"
    )
    EmailAddress.objects.create(user=owner, email=OWNER, verified=True, primary=True)
