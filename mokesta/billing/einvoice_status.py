"""What the contract page tells a customer about e-invoices in their internet bank: the order in
force (bank, automatic payment) or how to order one (the utility's name and the code to give)."""

from typing import Any

from mokesta.customers.queries import einvoice_subscription
from mokesta.lib.dates import local_today
from mokesta.utility.models import Utility


def einvoice_status(*, contract_id: int, contract_number: str) -> dict[str, Any]:
    """The context of billing/einvoice_status.html for one contract (one query). The caller has
    already scoped the contract to the user."""
    return {
        "subscription": einvoice_subscription(contract_id, local_today()),
        "utility_name": Utility.current().name,
        # The payer's code at the utility the e-invoice file names (serviceId): the contract.
        "payer_code_at_utility": contract_number,
    }
