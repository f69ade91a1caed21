"""Plain SQL for the query layers (`<app>/queries.py`): names from model metadata, typed rows.

The customer pages read with a few plain queries because building an ORM query cost several
times what the database took to answer it. So that a renamed table or column cannot leave a
query behind, no table or column name is typed: `sql()` fills them in from the models,

    sql("SELECT c.{contract.number} FROM {contract} c WHERE c.{contract.pk} = %s",
        contract=Contract)

(`{contract}` is the quoted table, `{contract.number}` the quoted column of the field `number`,
a ForeignKey's `_id` column for a relation, `{contract.pk}` the primary key's). `rows()` runs one
and returns its rows as a NamedTuple class, the decimal and datetime columns converted as the
ORM converts them (SQLite returns decimals as floats, 10.00 as 10, and naive datetimes);
`instances()` returns model instances, every column converted."""

import functools
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple, TypeVar

from django.db import connection, connections, models
from django.db.backends.base.base import BaseDatabaseWrapper

from mokesta.lib.replica import read_connection

Row = TypeVar("Row", bound=NamedTuple)


class Names:
    """A model's table (str()) and columns (attributes, by field name) as SQL names."""

    def __init__(self, model: type[models.Model]) -> None:
        self._model = model

    def __str__(self) -> str:
        return connection.ops.quote_name(self._model._meta.db_table)

    def __getattr__(self, name: str) -> str:
        meta = self._model._meta
        field = meta.pk if name == "pk" else meta.get_field(name)
        return connection.ops.quote_name(field.column)  # type: ignore[union-attr, arg-type]


def sql(text: str, **parts: type[models.Model] | str) -> str:
    """`text` with each `{name}` and `{name.field}` filled in from the model passed as `name`;
    a part given as a string (SQL built by another query-layer function) is put in as it is."""
    return text.format(
        **{name: part if isinstance(part, str) else Names(part) for name, part in parts.items()}
    )


def columns(model: type[models.Model], alias: str) -> str:
    """Every concrete column of `model` (in the order instances() expects), as `alias`.column."""
    quote = connection.ops.quote_name
    fields = model._meta.concrete_fields
    return ", ".join(f"{alias}.{quote(field.column)}" for field in fields)  # type: ignore[arg-type]


def _converters(
    fields: Mapping[int, models.Field], db: BaseDatabaseWrapper
) -> list[tuple[int, Any, Any]]:
    """The ORM's converters (the backend's, then the field's) of the columns at these indexes."""
    return [
        (index, convert, field.cached_col)
        for index, field in fields.items()
        for convert in db.ops.get_db_converters(field.cached_col) + field.get_db_converters(db)
    ]


def _convert(
    values: Sequence[Any], converters: list[tuple[int, Any, Any]], db: BaseDatabaseWrapper
) -> list[Any]:
    converted = list(values)
    for index, convert, col in converters:
        converted[index] = convert(converted[index], col, db)
    return converted


def rows(
    query: str,
    params: Sequence[Any],
    row: type[Row],
    converted: Mapping[str, Any] | None = None,  # model fields by column name
) -> list[Row]:
    """The rows of `query` as `row`s (its columns in the row's field order); each column named
    in `converted` (decimals, datetimes) goes through that model field's converters, as the
    ORM's values() would."""
    # The replica's for a customer page (lib/replica.py).
    return _typed_rows(read_connection(), query, params, row, converted)


def written_rows(
    query: str,
    params: Sequence[Any] | Mapping[str, Any],
    row: type[Row],
    converted: Mapping[str, Any] | None = None,
) -> list[Row]:
    """As rows(), for a write on the primary that returns rows (UPDATE … RETURNING)."""
    return _typed_rows(connection, query, params, row, converted)


def execute(query: str, params: Sequence[Any] | Mapping[str, Any]) -> None:
    """Run a write that returns nothing (an INSERT of the query layers) on the primary."""
    with connection.cursor() as cursor:
        cursor.execute(query, params)


def _typed_rows(
    db: BaseDatabaseWrapper,
    query: str,
    params: Sequence[Any] | Mapping[str, Any],
    row: type[Row],
    converted: Mapping[str, Any] | None,
) -> list[Row]:
    with db.cursor() as cursor:
        cursor.execute(query, params)
        found = cursor.fetchall()
    if not converted:
        return [row._make(values) for values in found]
    converters = _converters({row._fields.index(name): f for name, f in converted.items()}, db)
    return [row._make(_convert(values, converters, db)) for values in found]


M = TypeVar("M", bound=models.Model)


def instances(
    query: str,
    params: Sequence[Any],
    model: type[M],
    joined: Mapping[str, type[models.Model]] | None = None,
) -> list[M]:
    """The rows of `query`, which selects columns(model), as `model` instances with every value
    through its field's converters: what the ORM's get()/filter() would return. With `joined`
    ({relation: related model}), the query selects each related model's columns() after the
    model's, in that order, and each instance gets its related one, as select_related() would."""
    db = read_connection()  # the replica's for a customer page (lib/replica.py)
    with db.cursor() as cursor:
        cursor.execute(query, params)
        found = cursor.fetchall()
    parts: list[tuple[str | None, type[models.Model]]] = [(None, model), *(joined or {}).items()]
    result: list[M] = []
    for values in found:
        start, made = 0, []
        for relation, part in parts:
            names, converters = _model_converters(part, db.alias)
            end = start + len(names)
            made.append(part.from_db(db.alias, names, _convert(values[start:end], converters, db)))
            start = end
            if relation is not None:
                setattr(made[0], relation, made[-1])
        result.append(made[0])  # type: ignore[arg-type]  # the first part is `model`
    return result


@functools.cache
def _model_converters(
    model: type[models.Model], alias: str
) -> tuple[list[str], list[tuple[int, Any, Any]]]:
    """A model's attribute names and its columns' converters: the same for every row a process
    reads from one database (`alias`, the key)."""
    fields = model._meta.concrete_fields
    return [field.attname for field in fields], _converters(
        dict(enumerate(fields)), connections[alias]
    )
