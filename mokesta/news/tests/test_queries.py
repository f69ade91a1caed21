"""The dashboard's plain read of the outage notices in force selects what the ORM's
current_outages() does, with the times as the ORM reads them (aware, on SQLite too)."""

import datetime as dt
from zoneinfo import ZoneInfo

import time_machine

from mokesta.news.models import Article
from mokesta.news.queries import current_outages

TZ = ZoneInfo("Europe/Vilnius")


def article(slug: str, **fields: object) -> Article:
    values: dict[str, object] = {
        "title": slug,
        "body": "…",
        "published_at": dt.datetime(2026, 5, 1, tzinfo=TZ),
        "streets": "Liepų g.",
    }
    return Article.objects.create(slug=slug, **{**values, **fields})


def test_the_notices_in_force_are_the_orms(db):
    article("open-ended")
    article("until-tomorrow", affects_until=dt.datetime(2026, 5, 21, 15, 0, tzinfo=TZ))
    article(
        "newest",
        published_at=dt.datetime(2026, 5, 19, tzinfo=TZ),
        affects_from=dt.datetime(2026, 5, 21, 9, 0, tzinfo=TZ),
        affects_until=dt.datetime(2026, 5, 22, 9, 0, tzinfo=TZ),
    )
    article("ended", affects_until=dt.datetime(2026, 5, 20, 11, 59, tzinfo=TZ))
    article("no-streets", streets="")
    article("draft", published_at=None)
    article("scheduled", published_at=dt.datetime(2026, 5, 20, 13, 0, tzinfo=TZ))
    with time_machine.travel(dt.datetime(2026, 5, 20, 12, 0, tzinfo=TZ), tick=False):
        found = current_outages()
        orm = list(Article.objects.current_outages())
    assert [row.slug for row in found] == [a.slug for a in orm]
    assert [row.slug for row in found] == ["newest", "open-ended", "until-tomorrow"]
    for row, expected in zip(found, orm, strict=True):
        assert (row.affects_from, row.affects_until) == (
            expected.affects_from,
            expected.affects_until,
        )
        assert row.street_list == expected.street_list == ["Liepų g."]
    assert found[0].affects_from is not None and found[0].affects_from.tzinfo is not None
