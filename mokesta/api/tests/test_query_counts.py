"""The benchmarked endpoints (bench/web.py) stay within 5 queries with a token: its lookup, its
call counted against the limit (one UPDATE, on the token's row, not in the cache), the audit row,
the contract's access check and the endpoint's own read (the count and the audit row in one
transaction, whose control statements are not queries: mokesta/testing/queries.py)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from mokesta.api.tests.conftest import bearer
from mokesta.testing.queries import statements


def test_the_invoice_list_and_consumption_take_at_most_5_queries(
    client, contract, meter, invoices, read_token
):
    for path in (
        f"/api/v1/contracts/{contract.pk}/invoices/",
        f"/api/v1/contracts/{contract.pk}/consumption/",
    ):
        client.get(path, **bearer(read_token))  # warm: the content type of the audit row
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path, **bearer(read_token)).status_code == 200
        sent = statements(queries.captured_queries)
        assert len(sent) <= 5, (path, sent)
        # The count and the audit row are written in one transaction (one commit, not two).
        assert any(sql.startswith("SAVEPOINT") for sql in (q["sql"] for q in queries))
