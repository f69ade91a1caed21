"""The session's user and the API token read by the accounts' plain queries equal the ORM's, field
by field, and the backend that uses them keeps Django's rules (inactive users, unknown ids); a
token's calls are counted in its window."""

import datetime as dt

import pytest
import time_machine
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from mokesta.accounts.backends import ModelBackend
from mokesta.accounts.models import ApiToken, User
from mokesta.accounts.queries import audit_token_use, count_token_call, token_by_hash, user_by_pk
from mokesta.accounts.tokens import create_token, hash_token
from mokesta.lib.audit import audit


def field_values(user: User) -> dict[str, object]:
    return {field.attname: getattr(user, field.attname) for field in User._meta.concrete_fields}


def test_the_plain_read_equals_the_orms_on_every_field(alice):
    # Values that need the ORM's converters: an aware datetime (SQLite returns text), a phone
    # number object, booleans (SQLite returns 0/1).
    alice.rules_accepted_at = dt.datetime(2026, 11, 3, 8, 15, 30, tzinfo=dt.UTC)
    alice.phone = "+37061234567"
    alice.sms_opt_in = True
    alice.save()
    read = user_by_pk(alice.pk)
    orm = User.objects.get(pk=alice.pk)
    assert read is not None and field_values(read) == field_values(orm)
    assert read.rules_accepted_at == alice.rules_accepted_at
    assert read.rules_accepted_at.tzinfo is not None
    assert read.sms_opt_in is True and str(read.phone) == "+37061234567"
    assert read._state.adding is False and read._state.db == "default"


@pytest.mark.parametrize("pk", [None, "", "abc", "1.5", 10**6])
def test_an_unknown_or_malformed_id_reads_nobody(db, pk):
    assert user_by_pk(pk) is None


def test_the_backend_refuses_an_inactive_user_as_djangos_does(alice):
    assert ModelBackend().get_user(alice.pk) == alice
    alice.is_active = False
    alice.save()
    assert ModelBackend().get_user(alice.pk) is None


def test_a_logged_in_request_carries_the_user_read_by_the_plain_query(client, alice):
    client.force_login(alice)
    request = RequestFactory().get("/")
    request.session = client.session
    user = get_user(request)
    assert user == alice and user.is_authenticated
    # The password change logs the session out (Django's session hash check still applies).
    alice.set_password("AnotherPass2026!")
    alice.save()
    assert not get_user(request).is_authenticated


def test_the_token_read_equals_the_orms_with_its_user(alice):
    token, raw = create_token(user=alice, name="Namai", scope=ApiToken.Scope.READ, days=30)
    read = token_by_hash(hash_token(raw))
    orm = ApiToken.objects.select_related("user").get(pk=token.pk)
    assert read is not None
    assert {f.attname: getattr(read, f.attname) for f in ApiToken._meta.concrete_fields} == {
        f.attname: getattr(orm, f.attname) for f in ApiToken._meta.concrete_fields
    }
    assert read.expires_at.tzinfo is not None
    # The user comes with the token, read in the same query, equal to the ORM's.
    with CaptureQueriesContext(connection) as queries:
        assert field_values(read.user) == field_values(orm.user)
    assert len(queries) == 0
    assert token_by_hash(hash_token(raw + "x")) is None


def test_a_tokens_calls_are_counted_in_its_window(alice):
    token, _raw = create_token(user=alice, name="Namai", scope=ApiToken.Scope.READ, days=30)
    start = dt.datetime(2026, 11, 3, 8, 0, tzinfo=dt.UTC)
    minute = dt.timedelta(minutes=1)
    assert count_token_call(token, start, minute) == (1, start)
    assert count_token_call(token, start + dt.timedelta(seconds=59), minute) == (2, start)
    # A minute after the window's first call a new one begins, and the last use is recorded.
    later = start + minute
    assert count_token_call(token, later, minute) == (1, later)
    token.refresh_from_db()
    assert (token.window_calls, token.window_started_at, token.last_used_at) == (1, later, later)


def test_a_tokens_audit_row_is_the_one_audit_writes(alice):
    token, _raw = create_token(user=alice, name="Namai", scope=ApiToken.Scope.READ, days=30)
    at = dt.datetime(2026, 11, 3, 8, 0, tzinfo=dt.UTC)
    with time_machine.travel(at, tick=False):
        audit(alice, token, CHANGE, "API: GET /api/v1/contracts/")
    audit_token_use(token, at, "API: GET /api/v1/contracts/")
    written, plain = LogEntry.objects.order_by("-pk")[:2][::-1]
    fields = [f.attname for f in LogEntry._meta.concrete_fields if not f.primary_key]
    assert [getattr(plain, f) for f in fields] == [getattr(written, f) for f in fields]
    assert plain.action_time == at and plain.get_edited_object() == token
