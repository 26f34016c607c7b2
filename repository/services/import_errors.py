"""How an import is refused, and how what it can raise becomes a report people read.

`ImportRejected` carries the report out of the import's transaction, which rolls
everything back. `import_problem` turns the other errors an import can raise
(a refusal, a database or model error, an unreadable path) into one `Problem`, so
callers such as `import_metaflex` print a report and never a traceback.
"""

from __future__ import annotations

from typing import NoReturn

from django.core.exceptions import ValidationError
from django.db import DatabaseError

from bigpicture.errors import UserError
from metaflex.types import Problem, Report

# What an import can raise besides ImportRejected; callers catch exactly these.
IMPORT_ERRORS: tuple[type[Exception], ...] = (UserError, ValidationError, DatabaseError, OSError)


class ImportRejected(Exception):
    def __init__(self, report: Report):
        self.report = report
        super().__init__(report.format())


def import_reject(report: Report, *problems: Problem) -> NoReturn:
    """Add the problems and refuse the import (nothing is kept)."""
    report.extend(problems)
    raise ImportRejected(report)


def import_problem(error: Exception) -> Problem:
    """One report line for an error the import raised instead of returning a report."""
    if isinstance(error, UserError):
        return Problem(rule="import.refused", message=str(error))
    if isinstance(error, ValidationError):
        fields = getattr(error, "message_dict", None) or {"": error.messages}
        details = "; ".join(f"{name + ': ' if name else ''}{' '.join(messages)}"
                            for name, messages in fields.items())
        return Problem(rule="import.invalid", message=f"a value could not be stored ({details}); fix it in the "
                                                      "bundle, or report it if the bundle is valid.")
    if isinstance(error, DatabaseError):
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        return Problem(rule="import.database", message=f"the database refused the import ({first_line}); "
                                                       "nothing was stored. Run it again; if it fails the same "
                                                       "way, report it with the bundle.")
    if isinstance(error, OSError):
        where = error.filename or ""
        return Problem(rule="import.unreadable", file=str(where),
                       message=f"cannot read {where or 'the bundle'} ({error.strerror or error}); check the path "
                               "and its permissions.")
    raise TypeError(f"not an import error: {error!r}")
