"""How to cite a dataset version: plain text, BibTeX and RIS.

BibTeX uses `@misc` (what DataCite's own content negotiation emits), so classic
BibTeX and biblatex both read it; text fields escape the LaTeX specials.
RIS uses the DATA type, one tag per line, CRLF line ends as the format asks.
"""

from __future__ import annotations

import re

from repository.citation.facts import PUBLISHER, CitationFacts

_LATEX_SPECIALS = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_LATEX_PATTERN = re.compile("|".join(re.escape(char) for char in _LATEX_SPECIALS))
_KEY_UNSAFE = re.compile(r"[^A-Za-z0-9_:-]+")


def _one_line(text: str) -> str:
    return " ".join(text.split())


def citation_text(facts: CitationFacts) -> str:
    """Organisation (Year). Title (Version N) [Data set]. Publisher. URL"""
    title = _one_line(facts.title).rstrip(".")
    return (f"{facts.creator} ({facts.year}). {title} (Version {facts.number}) [Data set]. "
            f"{PUBLISHER}. {facts.persistent_url}")


def bibtex_escape(text: str) -> str:
    return _LATEX_PATTERN.sub(lambda match: _LATEX_SPECIALS[match.group(0)], _one_line(text))


def _verbatim(text: str) -> str:
    """URLs and DOIs are read verbatim; only braces would unbalance the entry."""
    return text.replace("{", "%7B").replace("}", "%7D")


def bibtex_key(facts: CitationFacts) -> str:
    return _KEY_UNSAFE.sub("_", f"{facts.accession}_v{facts.number}")


def citation_bibtex(facts: CitationFacts) -> str:
    # Double braces keep a corporate author whole and the title's capitals as written.
    fields = [
        ("author", f"{{{bibtex_escape(facts.creator)}}}"),
        ("title", f"{{{bibtex_escape(facts.title)}}}"),
        ("year", facts.year),
        ("publisher", bibtex_escape(PUBLISHER)),
        ("version", str(facts.number)),
        ("note", bibtex_escape(f"Version {facts.number}, accession {facts.accession}")),
    ]
    if facts.doi:
        fields.append(("doi", _verbatim(facts.doi)))
    fields.append(("url", _verbatim(facts.persistent_url)))
    if facts.keywords:
        fields.append(("keywords", bibtex_escape(", ".join(facts.keywords))))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@misc{{{bibtex_key(facts)},\n{body}\n}}\n"


def citation_ris(facts: CitationFacts) -> str:
    lines = [
        ("TY", "DATA"),
        ("AU", facts.creator),
        ("TI", facts.title),
        ("PY", facts.year),
    ]
    if facts.published:
        lines.append(("DA", facts.published.strftime("%Y/%m/%d/")))
    lines += [("ET", f"Version {facts.number}"), ("PB", PUBLISHER), ("DB", PUBLISHER), ("AN", facts.accession)]
    if facts.doi:
        lines.append(("DO", facts.doi))
    lines.append(("UR", facts.persistent_url))
    lines += [("KW", keyword) for keyword in facts.keywords]
    if facts.description:
        lines.append(("AB", facts.description))
    lines.append(("ER", ""))
    return "".join(f"{tag}  - {_one_line(value)}\r\n" for tag, value in lines)
