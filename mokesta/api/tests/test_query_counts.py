"""The benchmarked endpoints (bench/web.py) stay within 5 queries with a token: its lookup, the
audit row, the contract's access check and the endpoint's own read (the rate-limit counters are
in the cache; the test settings' cache is local memory)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from mokesta.api.tests.conftest import bearer


def test_the_invoice_list_and_consumption_take_at_most_5_queries(
    client, contract, meter, invoices, read_token
):
    for path in (
        f"/api/v1/contracts/{contract.pk}/invoices/",
        f"/api/v1/contracts/{contract.pk}/consumption/",
    ):
        client.get(path, **bearer(read_token))  # warm: the last use is written once a minute
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path, **bearer(read_token)).status_code == 200
        assert len(queries) <= 5, (path, [q["sql"] for q in queries])
