"""The session store reads the session row with a plain query: the same data as Django's."""

import datetime as dt

import time_machine
from django.contrib.sessions.models import Session

from mokesta.accounts.sessions import SessionStore


def test_a_saved_session_reads_back_until_it_expires(db):
    with time_machine.travel(dt.datetime(2026, 5, 20, 12, tzinfo=dt.UTC), tick=False):
        session = SessionStore()
        session["answer"] = 42
        session.set_expiry(3600)
        session.save()
        key = session.session_key
        again = SessionStore(key)
        assert again["answer"] == 42
        assert again.get_expiry_age() == 3600
        assert Session.objects.get(session_key=key).get_decoded() == {
            "answer": 42,
            "_session_expiry": 3600,
        }
    with time_machine.travel(dt.datetime(2026, 5, 20, 13, 0, 1, tzinfo=dt.UTC), tick=False):
        expired = SessionStore(key)
        assert "answer" not in expired
        assert expired.session_key is None  # a new key is made when it is saved


def test_an_unknown_key_reads_as_an_empty_session(db):
    session = SessionStore("x" * 32)
    assert dict(session.items()) == {} and session.session_key is None
