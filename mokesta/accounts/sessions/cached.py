from django.contrib.sessions.backends import cached_db

from mokesta.accounts.sessions import PlainRead


class SessionStore(PlainRead, cached_db.SessionStore):
    """SESSION_ENGINE = "mokesta.accounts.sessions.cached": read from the shared cache, from the
    database on a miss."""
