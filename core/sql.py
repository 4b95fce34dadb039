"""The small pieces every hand-written statement needs, for the default connection.

The hot paths (the response POST, share visits, the card worker, webhook fan-out) write a
few statements as SQL because Django's compiling of them cost more than running them. Their
names and values still go through the backend's own quoting and adapting, as the ORM's
would, so the SQL stays valid on SQLite and PostgreSQL alike; these helpers say that once.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TypeAlias

from django.db import connection
from django.db.models import Field, Model
from django.utils import timezone

# What the adapters hand the driver: text on SQLite, the value itself on PostgreSQL.
Param: TypeAlias = str | date | None


def quote(name: str) -> str:
    """An identifier (a table or column name) quoted for the database."""
    return connection.ops.quote_name(name)


def table(model: type[Model]) -> str:
    """The quoted name of `model`'s table."""
    return quote(model._meta.db_table)


def column(model: type[Model], field_name: str) -> str:
    """The quoted name of the column that `model`'s field `field_name` is stored in.
    FieldDoesNotExist for an unknown field; ValueError for one stored in no column of the
    model's table (a many-to-many, a reverse relation)."""
    field = model._meta.get_field(field_name)
    if not isinstance(field, Field) or field not in model._meta.concrete_fields:
        raise ValueError(f"{model.__name__}.{field_name} has no column in its table")
    return quote(field.column)


def db_datetime(value: datetime) -> Param:
    """`value` as the database takes a datetime parameter (as a DateTimeField would pass it)."""
    return connection.ops.adapt_datetimefield_value(value)


def db_now() -> Param:
    """The current time as the database takes a datetime parameter."""
    return db_datetime(timezone.now())


def db_date(value: date) -> Param:
    """`value` as the database takes a date parameter (as a DateField would pass it)."""
    return connection.ops.adapt_datefield_value(value)
