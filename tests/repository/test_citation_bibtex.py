"""BibTeX citations: a @misc entry with a safe key, the fields a reference manager needs, LaTeX escaped."""

import re

from tests.repository.citation_factories import CitableVersionFactory


def _fields(entry: str) -> dict[str, str]:
    return dict(re.findall(r"^  (\w+) = \{(.*)\},?$", entry, flags=re.MULTILINE))


def _balanced(text: str) -> bool:
    depth = 0
    for index, char in enumerate(text):
        if char in "{}" and index and text[index - 1] == "\\":
            continue
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


def test_bibtex_download_has_the_fields(client, db):
    version = CitableVersionFactory()
    accession = version.dataset.accession
    response = client.get(f"/datasets/{accession}/cite.bib")
    assert response["Content-Type"] == "application/x-bibtex; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="{accession}-v2.bib"'
    entry = response.content.decode()
    assert entry.startswith(f"@misc{{{accession}_v2,\n") and entry.rstrip().endswith("}")
    fields = _fields(entry)
    assert fields["author"] == "{" + version.dataset.organisation.name + "}"
    assert fields["title"] == "{Breast cancer core needle biopsies}"
    assert fields["year"] == "2024"
    assert fields["publisher"] == "Bigpicture portal"
    assert fields["version"] == "2"
    assert fields["doi"] == "10.12345/bp.brca-cnb"
    assert fields["url"] == "https://doi.org/10.12345/bp.brca-cnb"
    assert fields["keywords"] == "breast cancer, biopsy"
    assert _balanced(entry)


def test_latex_specials_are_escaped(client, db):
    version = CitableVersionFactory(title="H&E {50%} $cores_ #1 ~x^2 back\\slash", keywords=["a&b"])
    entry = client.get(f"/datasets/{version.dataset.accession}/cite.bib").content.decode()
    fields = _fields(entry)
    assert fields["title"] == (r"{H\&E \{50\%\} \$cores\_ \#1 \textasciitilde{}x\textasciicircum{}2 "
                               r"back\textbackslash{}slash}")
    assert fields["keywords"] == r"a\&b"
    assert _balanced(entry)


def test_unicode_and_newlines_stay_on_one_line(client, db):
    version = CitableVersionFactory(title="Göteborg\nslides — µm", doi="")
    fields = _fields(client.get(f"/datasets/{version.dataset.accession}/cite.bib").content.decode())
    assert fields["title"] == "{Göteborg slides — µm}"
    assert "doi" not in fields and fields["url"].endswith("/v/2/")
