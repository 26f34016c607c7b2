"""How stored values read for people: ISO-8601 durations in words, micrometres as `µm`, long texts cut.

The summary collector (`repository.services.summary`) and the page filters
(`repository.templatetags.metaflex`) both read values through here, so a
duration or a unit is spelled the same way everywhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from metaflex.durations import Duration, duration_parse

__all__ = ["Duration", "duration_parse", "duration_words", "units_text", "value_text"]

MICROMETRE = "µm"
PER_PIXEL = "µm/px"
_MICROMETRE_SPELLINGS = {"um", "µm", "μm", "micrometer", "micrometre", "micrometers", "micrometres", "micron",
                         "microns"}
_PER_PIXEL_SPELLINGS = {f"{unit}{per}" for unit in _MICROMETRE_SPELLINGS
                        for per in ("/px", "/pixel", "/pix", " per pixel", "/ px", " / px")} | {"mpp"}

DESCRIPTION_WORDS = 250
_PARAGRAPH_BREAK = re.compile(r"\n[ \t\r\f\v]*\n")


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
