"""Model instances read by one hand-written query, for the few reads on a hot path.

A phone connecting to a live meeting reads who it is: the meeting, its member and their
own votes. Built by the ORM, those reads cost about 2.5 ms of CPU per phone on the embedded
default, almost all of it building the SQL (bench/phones.py, profiled with py-spy), so
1,000 phones reconnecting after a Wi-Fi drop waited several seconds on it alone. Written
once here, the whole of who a phone is (its session read included) takes 0.87 ms, not 3.1.

Only what the ORM does not need to do again is skipped: the columns come from the models'
own fields, and the values go through the same database and field converters as the ORM's
(as `QuerySet.raw()` does), so a date is a date and JSON is JSON on every backend.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Field, Model
from django.db.models.sql import Query

# The largest id a row can have (a 64-bit integer). A bigger number from a URL is not
# an id; the ORM reads it as "no row", a hand-written query would fail on it instead.
MAX_ID = 2**63 - 1


@dataclass(frozen=True)
class Part:
    """A model read in a query under a table alias: `Part(Meeting, "m")`."""

    model: type[Model]
    alias: str

    @cached_property
    def fields(self) -> list[Field[Any, Any]]:
        return list(self.model._meta.concrete_fields)

    def columns(self) -> str:
        """Return the SELECT list of every concrete field of the model, in field order."""
        qn = connections[DEFAULT_DB_ALIAS].ops.quote_name
        return ", ".join(f"{self.alias}.{qn(str(f.column))}" for f in self.fields)


def table(model: type[Model]) -> str:
    """Return the model's table name, quoted for the database."""
    return connections[DEFAULT_DB_ALIAS].ops.quote_name(model._meta.db_table)


def column(model: type[Model], name: str) -> str:
    """Return a field's column name, quoted for the database."""
    field = model._meta.get_field(name)
    return connections[DEFAULT_DB_ALIAS].ops.quote_name(str(getattr(field, "column", name)))


def fetch(
    sql: str, params: Sequence[Any], parts: Sequence[Part], values: Sequence[Field[Any, Any]] = ()
) -> list[list[Any]]:
    """Run `sql` and return each row as one instance per part, then its other values.

    The row must hold each part's `columns()` in order, then one column per field of
    `values` (converted as that field's own values are), then any others (as the database
    gives them). A part whose primary key is NULL, as from a LEFT JOIN that found nothing,
    is None.
    """
    connection = connections[DEFAULT_DB_ALIAS]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if not rows:
        return []
    compiler = connection.ops.compiler("SQLCompiler")(Query(None), connection, DEFAULT_DB_ALIAS)
    expressions: list[Any] = [f.get_col(p.alias) for p in parts for f in p.fields]
    expressions += [f.get_col("v") for f in values]
    converters = compiler.get_converters(expressions)
    result = []
    for row in compiler.apply_converters(rows, converters):
        out: list[Any] = []
        start = 0
        for part in parts:
            chunk = row[start : start + len(part.fields)]
            start += len(part.fields)
            pk_at = part.fields.index(part.model._meta.pk)  # type: ignore[arg-type]
            if chunk[pk_at] is None:
                out.append(None)
            else:
                attnames = [f.attname for f in part.fields]
                out.append(part.model.from_db(DEFAULT_DB_ALIAS, attnames, chunk))
        out.extend(row[start:])
        result.append(out)
    return result
