"""Drawing new accessions. The format (`{center}-{type}-{6}-{6}`) lives in `metaflex.accession`."""

from __future__ import annotations

import secrets

from repository.metaflex.accession import ACCESSION_RE, ALPHABET, CENTER_RE
from repository.models import AccessionType

__all__ = ["ACCESSION_RE", "ALPHABET", "accession_candidate", "accession_is_valid"]


def accession_candidate(*, center: str, type: str) -> str:
    if not CENTER_RE.match(center):
        raise ValueError(f"accession center {center!r} must be 2-8 lower-case letters (ACCESSION_CENTER)")
    if type not in AccessionType.values:
        raise ValueError(f"unknown accession type {type!r}")
    letters = _random_letters(12)
    return f"{center}-{type}-{letters[:6]}-{letters[6:]}"


_UNBIASED = 256 - 256 % len(ALPHABET)


def _random_letters(count: int) -> str:
    """`count` uniform draws from ALPHABET (rejection sampling keeps every letter equally likely)."""
    letters: list[str] = []
    while len(letters) < count:
        letters.extend(ALPHABET[b % len(ALPHABET)] for b in secrets.token_bytes(count * 2) if b < _UNBIASED)
    return "".join(letters[:count])


def accession_is_valid(value: str, *, type: str | None = None) -> bool:
    match = ACCESSION_RE.match(value or "")
    return bool(match) and (type is None or match["type"] == type)
