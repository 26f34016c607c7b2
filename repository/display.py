"""How stored values read for people: ISO-8601 durations in words, micrometres as `µm`, long texts cut.

The summary collector (`repository.services.summary`) and the page filters
(`repository.templatetags.metaflex`) both read values through here, so a
duration or a unit is spelled the same way everywhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_NUMBER = r"(\d+(?:[.,]\d+)?)"
# PnYnMnWnDTnHnMnS, every part optional but at least one present (ISO 8601-1 §5.5.2).
_DURATION = re.compile(
    rf"P(?=\d|T\d)(?:{_NUMBER}Y)?(?:{_NUMBER}M)?(?:{_NUMBER}W)?(?:{_NUMBER}D)?"
    rf"(?:T(?=\d)(?:{_NUMBER}H)?(?:{_NUMBER}M)?(?:{_NUMBER}S)?)?", re.ASCII)
_DURATION_UNITS = ("year", "month", "week", "day", "hour", "minute", "second")
# Days in each unit, for comparing and summing durations (a month is 1/12 of a mean year).
_DAYS = (365.25, 365.25 / 12, 7, 1, 1 / 24, 1 / 1440, 1 / 86400)

MICROMETRE = "µm"
PER_PIXEL = "µm/px"
_MICROMETRE_SPELLINGS = {"um", "µm", "μm", "micrometer", "micrometre", "micrometers", "micrometres", "micron",
                         "microns"}
_PER_PIXEL_SPELLINGS = {f"{unit}{per}" for unit in _MICROMETRE_SPELLINGS
                        for per in ("/px", "/pixel", "/pix", " per pixel", "/ px", " / px")} | {"mpp"}

DESCRIPTION_WORDS = 250
_PARAGRAPH_BREAK = re.compile(r"\n[ \t\r\f\v]*\n")


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


def duration_words(text: str) -> str | None:
    """`P2Y` -> "2 years", `P1Y6M` -> "1 year 6 months"; None when `text` is not a duration."""
    duration = duration_parse(text)
    return duration.words() if duration else None


def units_text(units: str | None) -> str:
    """Units as a pathologist writes them: micrometres `µm`, a resolution `µm/px`."""
    spelled = " ".join((units or "").split())
    key = spelled.lower().replace("μ", "µ")
    if key in _PER_PIXEL_SPELLINGS:
        return PER_PIXEL
    if key in _MICROMETRE_SPELLINGS:
        return MICROMETRE
    return spelled


def value_text(text: str) -> str:
    """A stored text as people read it: a duration in words, anything else as it is."""
    return duration_words(text) or text


@dataclass(frozen=True)
class Description:
    """A description's paragraphs: those shown at once, and the rest behind "read more"."""

    lead: list[str] = field(default_factory=list)
    more: list[str] = field(default_factory=list)


def description_parts(text: str | None, words: int = DESCRIPTION_WORDS) -> Description:
    """Split `text` into paragraphs (blank lines), and cut it after `words` words.

    Line breaks inside a paragraph are the XML's pretty-printing, not the
    author's, so they are read as spaces.
    """
    paragraphs = [" ".join(p.split()) for p in _PARAGRAPH_BREAK.split(text or "")]
    lead: list[str] = []
    more: list[str] = []
    left = words
    for paragraph in filter(None, paragraphs):
        if left <= 0:
            more.append(paragraph)
            continue
        paragraph_words = paragraph.split(" ")
        if len(paragraph_words) <= left:
            lead.append(paragraph)
        else:
            lead.append(" ".join(paragraph_words[:left]) + " …")
            more.append("… " + " ".join(paragraph_words[left:]))
        left -= len(paragraph_words)
    return Description(lead, more)
