"""Plain SQL for the query layers (`<app>/queries.py`): names from model metadata, typed rows.

The customer pages read with a few plain queries because building an ORM query cost several
times what the database took to answer it. So that a renamed table or column cannot leave a
query behind, no table or column name is typed: `sql()` fills them in from the models,

    sql("SELECT c.{contract.number} FROM {contract} c WHERE c.{contract.pk} = %s",
        contract=Contract)

(`{contract}` is the quoted table, `{contract.number}` the quoted column of the field `number`,
a ForeignKey's `_id` column for a relation, `{contract.pk}` the primary key's). `rows()` runs one
and returns its rows as a NamedTuple class, the decimal columns converted as the ORM converts
them (SQLite returns decimals as floats, 10.00 as 10)."""

from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple, TypeVar

from django.db import connection, models

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


def rows(
    query: str,
    params: Sequence[Any],
    row: type[Row],
    decimals: Mapping[str, Any] | None = None,  # model fields by column name
) -> list[Row]:
    """The rows of `query` as `row`s (its columns in the row's field order); each column named
    in `decimals` goes through that model field's converters, as the ORM's values() would."""
    connection = read_connection()  # the replica's for a customer page (lib/replica.py)
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        found = cursor.fetchall()
    if not decimals:
        return [row._make(values) for values in found]
    converters = [
        (row._fields.index(name), convert, field.cached_col)
        for name, field in decimals.items()
        for convert in (
            connection.ops.get_db_converters(field.cached_col) + field.get_db_converters(connection)
        )
    ]
    typed = []
    for values in found:
        value_list = list(values)
        for index, convert, col in converters:
            value_list[index] = convert(value_list[index], col, connection)
        typed.append(row._make(value_list))
    return typed
