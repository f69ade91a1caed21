"""A customer names a meter of their contract („Virtuvė", „Laistymas")."""

from mokesta.customers.models import Contract
from mokesta.metering.models import Meter


def name_meter(*, contract: Contract, meter_pk: int, name: str) -> bool:
    """Give the meter `meter_pk` of `contract` the name `name` ("" clears it); False when the
    contract has no such meter (the caller answers 404: no hint of other contracts' meters)."""
    return bool(
        Meter.objects.filter(pk=meter_pk, service_point__contract=contract).update(name=name)
    )
