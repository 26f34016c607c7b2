"""Drawing new accessions. The format (`{center}-{type}-{6}-{6}`) lives in `metaflex.accession`."""

from __future__ import annotations

import secrets

from metaflex.accession import ACCESSION_RE, ALPHABET, CENTER_RE
from repository.models import AccessionType

__all__ = ["ACCESSION_RE", "ALPHABET", "accession_candidate", "accession_candidates", "accession_is_valid"]

_TYPES = frozenset(AccessionType.values)
_LETTERS = 12


def accession_candidates(*, center: str, type: str, count: int) -> list[str]:
    """`count` random accessions (an import draws hundreds of thousands, so the checks run once)."""
    if not CENTER_RE.match(center):
        raise ValueError(f"accession center {center!r} must be 2-8 lower-case letters (ACCESSION_CENTER)")
    if type not in _TYPES:
        raise ValueError(f"unknown accession type {type!r}")
    letters = _random_letters(_LETTERS * count)
    prefix = f"{center}-{type}-"
    return [f"{prefix}{letters[i:i + 6]}-{letters[i + 6:i + _LETTERS]}" for i in range(0, len(letters), _LETTERS)]


def accession_candidate(*, center: str, type: str) -> str:
    return accession_candidates(center=center, type=type, count=1)[0]


# Rejection sampling keeps every letter equally likely: bytes at or above _UNBIASED are dropped,
# the rest map to ALPHABET[b % len(ALPHABET)], both in one bytes.translate.
_UNBIASED = 256 - 256 % len(ALPHABET)
_TO_LETTER = bytes(ord(ALPHABET[b % len(ALPHABET)]) if b < _UNBIASED else 0 for b in range(256))
_DROPPED = bytes(range(_UNBIASED, 256))


def _random_letters(count: int) -> str:
    """`count` uniform draws from ALPHABET."""
    letters = b""
    while len(letters) < count:
        letters += secrets.token_bytes(count + count // 4 + 8).translate(_TO_LETTER, _DROPPED)
    return letters[:count].decode("ascii")


def accession_is_valid(value: str, *, type: str | None = None) -> bool:
    match = ACCESSION_RE.match(value or "")
    return bool(match) and (type is None or match["type"] == type)
