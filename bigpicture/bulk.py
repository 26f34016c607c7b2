"""Bulk inserts of many rows: PostgreSQL COPY, and `bulk_create` elsewhere.

An import writes hundreds of thousands of rows. `bulk_create` spends most of its
time in Python, compiling a parameterised INSERT field by field; COPY's text
format is a few string joins per row. Primary keys are drawn from the table's
sequence first, so callers get them back as with `bulk_create`. No signals are
sent, as with `bulk_create`. The value encoding is shared with the catalogue
benchmark's seeder.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from typing import Any

from django.db import connections, models, router

_SPECIAL = ("\\", "\t", "\n", "\r")


def copy_escape(text: str) -> str:
    """A string for COPY's text format."""
    if any(char in text for char in _SPECIAL):
        return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return text


def copy_encode(value: Any) -> str:
    """A Python value for COPY's text format (None is NULL; dicts and lists are JSON)."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict | list | tuple):
        return copy_escape(json.dumps(value, ensure_ascii=False))
    return copy_escape(str(value))


def _encoder(field: models.Field, connection) -> Callable[[models.Model], str]:
    """How to read one field of an instance and write it for COPY."""
    attname = field.attname
    if isinstance(field, models.JSONField):
        encoder = field.encoder

        def encode_json(obj: models.Model) -> str:
            value = getattr(obj, attname)
            return "\\N" if value is None else copy_escape(json.dumps(value, cls=encoder, ensure_ascii=False))
        return encode_json
    if isinstance(field, models.DateField) and (field.auto_now or field.auto_now_add):
        return lambda obj: copy_encode(field.pre_save(obj, True))
    if isinstance(field, models.CharField | models.TextField | models.IntegerField | models.ForeignKey
                  | models.BooleanField | models.FloatField):
        return lambda obj: copy_encode(getattr(obj, attname))
    return lambda obj: copy_encode(field.get_db_prep_save(getattr(obj, attname), connection))


def rows_insert(rows: Sequence[models.Model]) -> Sequence[models.Model]:
    """Insert instances of one model and set their primary keys; returns them, like `bulk_create`."""
    if not rows:
        return rows
    model = type(rows[0])
    connection = connections[router.db_for_write(model)]
    if connection.vendor != "postgresql":
        return model.objects.bulk_create(rows)
    meta = model._meta
    pk = meta.pk
    with connection.cursor() as cursor:
        missing = [obj for obj in rows if getattr(obj, pk.attname) is None]
        if missing:
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                           [connection.ops.quote_name(meta.db_table), pk.column, len(missing)])
            for obj, (key,) in zip(missing, cursor.fetchall(), strict=True):
                setattr(obj, pk.attname, key)
        fields = meta.concrete_fields
        encoders = [_encoder(field, connection) for field in fields]
        lines = "".join("\t".join([encode(obj) for encode in encoders]) + "\n" for obj in rows)
        _copy(cursor, connection, meta.db_table, [field.column for field in fields], lines)
    for obj in rows:
        obj._state.adding = False
        obj._state.db = connection.alias
    return rows


def values_insert(model: type[models.Model], columns: Sequence[str], rows: Iterable[tuple]) -> None:
    """Insert plain tuples into `columns` of the model's table (for link tables, whose keys nobody reads)."""
    rows = list(rows)
    if not rows:
        return
    connection = connections[router.db_for_write(model)]
    if connection.vendor != "postgresql":
        fields = [model._meta.get_field(column).attname for column in columns]
        model.objects.bulk_create(model(**dict(zip(fields, row, strict=True))) for row in rows)
        return
    lines = "".join("\t".join([copy_encode(value) for value in row]) + "\n" for row in rows)
    with connection.cursor() as cursor:
        _copy(cursor, connection, model._meta.db_table,
              [model._meta.get_field(column).column for column in columns], lines)


def _copy(cursor, connection, table: str, columns: list[str], lines: str) -> None:
    quote = connection.ops.quote_name
    sql = f"COPY {quote(table)} ({', '.join(quote(c) for c in columns)}) FROM STDIN"
    cursor.copy_expert(sql, io.StringIO(lines), size=1 << 20)
