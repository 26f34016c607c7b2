"""ISO-8601 durations (`P2Y`, `P1Y6M`, `PT0S`): one parser for the validator and the pages."""

from __future__ import annotations

import re
from dataclasses import dataclass

_NUMBER = r"(\d+(?:[.,]\d+)?)"
# PnYnMnWnDTnHnMnS, every part optional but at least one present (ISO 8601-1 §5.5.2).
_DURATION = re.compile(
    rf"P(?=\d|T\d)(?:{_NUMBER}Y)?(?:{_NUMBER}M)?(?:{_NUMBER}W)?(?:{_NUMBER}D)?"
    rf"(?:T(?=\d)(?:{_NUMBER}H)?(?:{_NUMBER}M)?(?:{_NUMBER}S)?)?", re.ASCII)
_DURATION_UNITS = ("year", "month", "week", "day", "hour", "minute", "second")
# Days in each unit, for comparing and summing durations (a month is 1/12 of a mean year).
_DAYS = (365.25, 365.25 / 12, 7, 1, 1 / 24, 1 / 1440, 1 / 86400)


@dataclass(frozen=True)
class Duration:
    """An ISO-8601 duration, part by part, as written (P18M stays 18 months)."""

    parts: tuple[float, ...]

    def in_years(self) -> float:
        return sum(value * days for value, days in zip(self.parts, _DAYS, strict=True)) / 365.25

    def words(self) -> str:
        shown = [f"{value:g} {unit}{'' if value == 1 else 's'}"
                 for value, unit in zip(self.parts, _DURATION_UNITS, strict=True) if value]
        return " ".join(shown) or "0 days"


def duration_parse(text: str) -> Duration | None:
    """The duration `text` holds exactly (`P2Y`, `P1Y6M`, `PT0S`), else None."""
    match = _DURATION.fullmatch(text.strip()) if isinstance(text, str) else None
    if match is None:
        return None
    return Duration(tuple(float(part.replace(",", ".")) if part else 0.0 for part in match.groups()))
