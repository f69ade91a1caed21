"""The lists' pagination: `?page=N` (from 1), PER_PAGE items, `count` and `pages` beside them; a
page past the last is a 404 problem."""

import math
from collections.abc import Sequence
from typing import Any

from django.db.models import QuerySet

from mokesta.api.problems import not_found

PER_PAGE = 50


def page_of(items: Sequence[Any] | QuerySet, page: int) -> dict[str, Any]:
    count = items.count() if isinstance(items, QuerySet) else len(items)
    pages = max(1, math.ceil(count / PER_PAGE))
    if page < 1 or page > pages:
        raise not_found()
    start = (page - 1) * PER_PAGE
    return {"count": count, "page": page, "pages": pages, "items": items[start : start + PER_PAGE]}
