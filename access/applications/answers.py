"""Server-side validation of an application form's answers, with messages that name the field.

A field shown only when another field has given values (`visible_if`) is neither required nor kept
while it is hidden. Pure: takes the fields and the answers, reads nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from access.models import FormFieldKind
from access.models.catalogue import DISPLAY_KINDS

K = FormFieldKind


@dataclass(frozen=True)
class AnswerProblem:
    key: str
    label: str
    message: str

    def __str__(self) -> str:
        return f"{self.label}: {self.message}"


def field_visible(field, answers: dict[str, Any], by_key: dict[str, Any]) -> bool:
    rule = field.visible_if or None
    if not rule:
        return True
    other = by_key.get(rule.get("field"))
    if other is None or not field_visible(other, answers, by_key):
        return False
    given = answers.get(other.key)
    values = set(rule.get("values") or [])
    if isinstance(given, list):
        return bool(values & set(given))
    return given in values


def _empty(value) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _check(field, value, attachment_ids: set[int]) -> tuple[Any, str | None]:
    """The cleaned value and a problem message (or None)."""
    kind = field.kind
    if kind in (K.TEXT, K.TEXTAREA, K.EMAIL, K.DATE):
        if not isinstance(value, str):
            return value, "give text."
        value = value.strip()
        if field.max_length and len(value) > field.max_length:
            return value, f"at most {field.max_length} characters, not {len(value)}."
        if kind == K.EMAIL:
            try:
                validate_email(value)
            except ValidationError:
                return value, f"{value!r} is not an email address."
        if kind == K.DATE:
            try:
                date.fromisoformat(value)
            except ValueError:
                return value, f"{value!r} is not a date; write it as YYYY-MM-DD."
        return value, None
    keys = [option.get("key") for option in field.options or []]
    if kind == K.OPTION:
        if value not in keys:
            return value, f"choose one of {', '.join(map(str, keys))}."
        return value, None
    if kind == K.MULTISELECT:
        if not isinstance(value, list) or not all(item in keys for item in value):
            return value, f"choose any of {', '.join(map(str, keys))}."
        return [key for key in keys if key in value], None
    if kind == K.ATTACHMENT:
        try:
            value = int(value)
        except (TypeError, ValueError):
            return value, "upload a file."
        if value not in attachment_ids:
            return value, "the file is not one of this application's attachments; upload it again."
        return value, None
    if kind == K.TABLE:
        columns = [column.get("key") for column in field.columns or []]
        if not isinstance(value, list) or not all(isinstance(row, dict) for row in value):
            return value, "give rows of the table."
        rows = [{column: str(row.get(column) or "").strip() for column in columns} for row in value]
        rows = [row for row in rows if any(row.values())]
        for number, row in enumerate(rows, start=1):
            missing = [column for column in columns if not row[column]]
            if missing:
                return rows, f"row {number} has no {', '.join(missing)}."
        return rows, None
    return value, None


def answers_clean(fields, answers: dict[str, Any], *, attachment_ids: set[int], require: bool
                  ) -> tuple[dict[str, Any], list[AnswerProblem]]:
    """The answers to keep and the problems found. `require`: missing required answers are problems
    (on submit; a draft may be incomplete)."""
    fields = list(fields)
    by_key = {field.key: field for field in fields}
    cleaned: dict[str, Any] = {}
    problems: list[AnswerProblem] = []
    for field in fields:
        if field.kind in DISPLAY_KINDS or not field_visible(field, answers, by_key):
            continue
        value = answers.get(field.key)
        if field.kind == K.TABLE and isinstance(value, list):
            value = [row for row in value if isinstance(row, dict) and any(str(v).strip() for v in row.values())]
        if _empty(value) or (isinstance(value, str) and not value.strip()):
            if require and not field.optional:
                problems.append(AnswerProblem(field.key, field.label, "this field is required."))
            continue
        value, message = _check(field, value, attachment_ids)
        if message:
            problems.append(AnswerProblem(field.key, field.label, message))
        cleaned[field.key] = value
    return cleaned, problems
