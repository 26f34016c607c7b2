"""The accession format (`{center}-{type}-{6}-{6}`), in one place and independent of Django.

`repository.accessions` draws new accessions from this alphabet, and a test keeps
`TYPES` equal to the registry's `AccessionType`.
"""

from __future__ import annotations

import re

ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # a-z, 0-9 without i, l, o, 0, 1
TYPES = ("dataset", "policy", "image", "annotation", "observation", "observer", "sample", "staining",
         "rems", "organisation", "landing_page", "file", "submission")
_TYPES_RE = "|".join(sorted(TYPES, key=len, reverse=True))
CENTER_RE = re.compile(r"\A[a-z]{2,8}\Z")
ACCESSION_RE = re.compile(rf"\A(?P<center>[a-z]{{2,8}})-(?P<type>{_TYPES_RE})-[{ALPHABET}]{{6}}-[{ALPHABET}]{{6}}\Z")


def accession_problem(value: str, expected_type: str) -> str | None:
    """None if `value` is a well-formed accession of `expected_type`, else what is wrong."""
    match = ACCESSION_RE.match(value)
    if not match:
        return (f"{value!r} is not a valid accession; accessions look like "
                f"'aa-{expected_type}-6dn9zp-yxcfb4' (lower case, no i, l, o, 0 or 1)")
    if match["type"] != expected_type:
        return f"{value!r} is a {match['type']} accession, but a {expected_type} accession is needed here"
    return None
