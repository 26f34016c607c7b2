"""Membership expiry rules, Perun style: parse, validate and apply them.

A period is either a fixed date each year, `d.m.` (`1.1.`: memberships end on the next 1 January),
or relative to joining or extension: `+<n>y`, `+<n>m`, `+<n>d` (`+1y`, `+6m`, `+30d`). A grace
period is always relative (`+14d`). An empty rule means "never".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from bigpicture.errors import UserError

RELATIVE = re.compile(r"^\+(\d{1,4})([ymd])$")
FIXED = re.compile(r"^(\d{1,2})\.(\d{1,2})\.$")
UNITS = {"y": "years", "m": "months", "d": "days"}
MAX_AMOUNT = {"y": 10, "m": 120, "d": 3650}


class ExpiryRuleError(UserError):
    """A rule string that is not a valid period; the message says what is expected."""


@dataclass(frozen=True)
class Period:
    """A parsed rule: a relative delta, or a fixed (day, month) each year."""

    delta: relativedelta | None = None
    day: int | None = None
    month: int | None = None

    def end_after(self, start: datetime) -> datetime:
        """When a membership joined or extended at `start` expires."""
        if self.delta is not None:
            return start + self.delta
        local = timezone.localtime(start)
        year = local.year
        candidate = _midnight(date(year, self.month, self.day))
        if candidate <= start:
            candidate = _midnight(date(year + 1, self.month, self.day))
        return candidate


def _midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def period_parse(rule: str, *, field: str = "period", fixed_allowed: bool = True) -> Period | None:
    """The Period `rule` means, None for an empty rule, or ExpiryRuleError saying what is wrong."""
    rule = (rule or "").strip()
    if not rule:
        return None
    if match := RELATIVE.match(rule):
        amount, unit = int(match.group(1)), match.group(2)
        if not 1 <= amount <= MAX_AMOUNT[unit]:
            raise ExpiryRuleError(f"The {field} '{rule}' must be between +1{unit} and +{MAX_AMOUNT[unit]}{unit}.")
        return Period(delta=relativedelta(**{UNITS[unit]: amount}))
    if match := FIXED.match(rule):
        if not fixed_allowed:
            raise ExpiryRuleError(f"The {field} '{rule}' must be relative, like +14d, +1m or +1y.")
        day, month = int(match.group(1)), int(match.group(2))
        if not 1 <= month <= 12:
            raise ExpiryRuleError(f"The {field} '{rule}' names month {month}; months run from 1 to 12.")
        if (day, month) == (29, 2):
            raise ExpiryRuleError(f"The {field} '{rule}' does not occur every year; use 28.2. or 1.3.")
        try:
            date(2001, month, day)
        except ValueError:
            raise ExpiryRuleError(f"The {field} '{rule}': month {month} has no day {day}.") from None
        return Period(day=day, month=month)
    examples = "a fixed date like 1.1. (day.month.) or a relative one like +1y, +6m, +30d" if fixed_allowed \
        else "a relative one like +14d, +1m or +1y"
    raise ExpiryRuleError(f"The {field} '{rule}' is not understood: write {examples}.")


def grace_parse(rule: str) -> Period | None:
    return period_parse(rule, field="grace period", fixed_allowed=False)
