import io

from django.core.management import call_command

from mokesta.accounts.models import User
from mokesta.customers.models import Contract, ContractAccess, ServicePoint
from mokesta.demo.management.commands.load_demo import CUSTOMER_EMAIL, FREE_CONTRACT
from mokesta.lib.dates import local_today
from mokesta.metering.models import Meter, Reading
from mokesta.outbox.models import OutgoingMessage


def test_the_demo_has_what_the_readme_promises(db):
    call_command("load_demo", stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())  # idempotent
    assert ContractAccess.objects.filter(user__email=CUSTOMER_EMAIL).count() == 2
    # The demo customer takes invoices by e-mail, but the back-filled history was not mailed.
    assert User.objects.get(email=CUSTOMER_EMAIL).invoices_by_email
    assert not OutgoingMessage.objects.exists()
    free = Contract.objects.get(number=FREE_CONTRACT[0])
    assert free.customer.payer_code == FREE_CONTRACT[1]
    assert free.is_valid_on(local_today())
    assert not free.accesses.exists()
    addresses = " ".join(Contract.objects.values_list("customer__address", flat=True))
    for village in ["Velžys", "Krekenava", "Švenčiuliškiai"]:
        assert village in addresses
    assert {"apartment", "house"} <= set(Contract.objects.values_list("category", flat=True))
    per_point = [point.meters.count() for point in ServicePoint.objects.all()]
    assert min(per_point) == 1 and max(per_point) == 3
    for meter in Meter.objects.all():
        months = Reading.objects.filter(meter=meter).count()
        assert months >= 9  # 15 months of history, about one in five left undeclared
    # Some months were left undeclared, and the demo billing run estimated them.
    declared = Reading.objects.filter(source=Reading.Source.CUSTOMER).count()
    assert declared < Reading.objects.count()
    assert Reading.objects.filter(source=Reading.Source.ESTIMATE).exists()
