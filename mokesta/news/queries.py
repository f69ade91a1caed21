"""The news read on the customer's dashboard: the outage notices in force, by one plain query
(lib/sql.py). test_queries.py checks it selects what Article.objects.current_outages() does."""

from datetime import datetime
from typing import NamedTuple

from django.db import connection
from django.utils import timezone

from mokesta.lib.sql import rows, sql
from mokesta.news.models import Article, street_lines


class OutageRow(NamedTuple):
    title: str
    slug: str
    streets: str
    affects_from: datetime | None
    affects_until: datetime | None

    @property
    def street_list(self) -> list[str]:
        return street_lines(self.streets)


CURRENT_OUTAGES_SQL = sql(
    """SELECT a.{a.title}, a.{a.slug}, a.{a.streets}, a.{a.affects_from}, a.{a.affects_until}
    FROM {a} a
    WHERE a.{a.published_at} IS NOT NULL AND a.{a.published_at} <= %s AND a.{a.streets} <> ''
      AND (a.{a.affects_until} IS NULL OR a.{a.affects_until} > %s)
    ORDER BY a.{a.published_at} DESC""",
    a=Article,
)
_field = Article._meta.get_field


def current_outages() -> list[OutageRow]:
    """Published outage notices (with streets) that have not ended, newest first."""
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    return rows(
        CURRENT_OUTAGES_SQL,
        [now, now],
        OutageRow,
        {name: _field(name) for name in ("affects_from", "affects_until")},
    )
