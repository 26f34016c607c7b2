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
import operator
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from django.db import connections, models, router
from django.utils import timezone

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


def _value_encoder(field: models.Field, connection) -> Callable[[Any], str]:
    """How to write one field's value for COPY, as `bulk_create` would store it."""
    if isinstance(field, models.JSONField):
        dumps = (field.encoder or json.JSONEncoder)(ensure_ascii=False).encode
        return lambda value: "\\N" if value is None else copy_escape(dumps(value))
    if isinstance(field, models.CharField | models.TextField):
        return lambda value: "\\N" if value is None else copy_escape(str(value))
    if isinstance(field, models.ForeignKey):
        return _value_encoder(field.target_field, connection)
    if isinstance(field, models.IntegerField):
        return lambda value: "\\N" if value is None else str(int(value))
    return lambda value: copy_encode(field.get_db_prep_save(value, connection))


def rows_insert(rows: Sequence[models.Model], *, json_texts: Sequence[Mapping[str, str]] | None = None,
                ) -> Sequence[models.Model]:
    """Insert instances of one model and set their primary keys; returns them, like `bulk_create`.

    `json_texts[i]` may give row i's JSON fields already encoded ({attname: JSON text}), so a caller
    that has encoded them anyway (to hash them) does not pay twice; other fields are encoded here.
    """
    if not rows:
        return rows
    model = type(rows[0])
    connection = connections[router.db_for_write(model)]
    if connection.vendor != "postgresql":
        return model.objects.bulk_create(rows)
    meta = model._meta
    pk = meta.pk
    fields = meta.concrete_fields
    for field in fields:
        if isinstance(field, models.DateField) and (field.auto_now or field.auto_now_add):
            for obj in rows:
                field.pre_save(obj, True)
    with connection.cursor() as cursor:
        missing = [obj for obj in rows if getattr(obj, pk.attname) is None]
        if missing:
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                           [connection.ops.quote_name(meta.db_table), pk.column, len(missing)])
            for obj, (key,) in zip(missing, cursor.fetchall(), strict=True):
                setattr(obj, pk.attname, key)
        columns = [(field.attname, _value_encoder(field, connection), isinstance(field, models.JSONField))
                   for field in fields]
        values_of = operator.attrgetter(*(attname for attname, _, _ in columns))
        lines = []
        for index, obj in enumerate(rows):
            texts = json_texts[index] if json_texts else None
            lines.append("\t".join([
                copy_escape(texts[attname]) if texts and is_json and value is not None and attname in texts
                else encode(value)
                for (attname, encode, is_json), value in zip(columns, values_of(obj), strict=True)]) + "\n")
        _copy(cursor, connection, meta.db_table, [field.column for field in fields], "".join(lines))
    for obj in rows:
        obj._state.adding = False
        obj._state.db = connection.alias
    return rows


def values_insert(model: type[models.Model], fields: Sequence[str], rows: Iterable[tuple]) -> None:
    """Insert plain tuples of `fields` (attnames) into the model's table, without building instances.

    For rows nobody reads back (link tables, the accession registry). Every other field gets
    its default, as a new instance would, so a field added to the model later needs no change here.
    """
    rows = list(rows)
    if not rows:
        return
    connection = connections[router.db_for_write(model)]
    if connection.vendor != "postgresql":
        model.objects.bulk_create(model(**dict(zip(fields, row, strict=True))) for row in rows)
        return
    meta = model._meta
    given = [meta.get_field(name) for name in fields]
    others = [field for field in meta.concrete_fields
              if field not in given and not (field.primary_key and isinstance(field, models.AutoField))]
    # One default per insert: fine for constants and for auto_now timestamps alike.
    defaults = "".join("\t" + _value_encoder(field, connection)(_default(field)) for field in others)
    lines = "".join("\t".join([copy_encode(value) for value in row]) + defaults + "\n" for row in rows)
    with connection.cursor() as cursor:
        _copy(cursor, connection, meta.db_table, [field.column for field in [*given, *others]], lines)


def _default(field: models.Field) -> Any:
    """The value a new instance would store for a field the caller did not give."""
    if isinstance(field, models.DateField) and (field.auto_now or field.auto_now_add):
        return timezone.now() if isinstance(field, models.DateTimeField) else timezone.localdate()
    if field.has_default():
        return field.get_default()
    if field.null:
        return None
    if field.empty_strings_allowed:
        return ""
    raise TypeError(f"{field.model.__name__}.{field.name} has no default; give it to values_insert")


def _copy(cursor, connection, table: str, columns: list[str], lines: str) -> None:
    quote = connection.ops.quote_name
    sql = f"COPY {quote(table)} ({', '.join(quote(c) for c in columns)}) FROM STDIN"
    with connection.wrap_database_errors:  # as Django's own queries: IntegrityError, not psycopg2's
        cursor.copy_expert(sql, io.StringIO(lines), size=1 << 20)
