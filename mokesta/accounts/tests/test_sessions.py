"""The session stores read the session row with a plain query: the same data as Django's."""

import datetime as dt

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.core.cache import cache

from mokesta.accounts.sessions import SessionStore
from mokesta.accounts.sessions.cached import SessionStore as CachedSessionStore


@pytest.mark.parametrize("store", [SessionStore, CachedSessionStore])
def test_a_saved_session_reads_back_until_it_expires(db, store):
    with time_machine.travel(dt.datetime(2026, 5, 20, 12, tzinfo=dt.UTC), tick=False):
        session = store()
        session["answer"] = 42
        session.set_expiry(3600)
        session.save()
        key = session.session_key
        cache.clear()  # the cached store reads the database on a miss
        again = store(key)
        assert again["answer"] == 42
        assert again.get_expiry_age() == 3600
        assert Session.objects.get(session_key=key).get_decoded() == {
            "answer": 42,
            "_session_expiry": 3600,
        }
    with time_machine.travel(dt.datetime(2026, 5, 20, 13, 0, 1, tzinfo=dt.UTC), tick=False):
        cache.clear()
        expired = store(key)
        assert "answer" not in expired
        assert expired.session_key is None  # a new key is made when it is saved


def test_an_unknown_key_reads_as_an_empty_session(db):
    session = SessionStore("x" * 32)
    assert dict(session.items()) == {} and session.session_key is None
