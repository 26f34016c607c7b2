"""RIS citations: a DATA record, one tag per line with CRLF, ended by ER."""

from tests.repository.citation_factories import CitableVersionFactory


def _tags(record: str) -> list[tuple[str, str]]:
    return [(line[:2], line[6:]) for line in record.split("\r\n") if line]


def test_ris_download_is_a_data_record(client, db):
    version = CitableVersionFactory(description="Line one.\nLine two.")
    accession = version.dataset.accession
    response = client.get(f"/datasets/{accession}/cite.ris")
    assert response["Content-Type"] == "application/x-research-info-systems; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="{accession}-v2.ris"'
    record = response.content.decode()
    assert record.endswith("ER  - \r\n") and "\n" not in record.replace("\r\n", "")
    tags = _tags(record)
    assert tags[0] == ("TY", "DATA") and tags[-1] == ("ER", "")
    assert all(line[2:6] == "  - " for line in record.split("\r\n") if line)
    values = dict(tags)
    assert values["AU"] == version.dataset.organisation.name
    assert values["TI"] == "Breast cancer core needle biopsies"
    assert values["PY"] == "2024" and values["DA"] == "2024/03/14/"
    assert values["DO"] == "10.12345/bp.brca-cnb" and values["UR"] == "https://doi.org/10.12345/bp.brca-cnb"
    assert values["AN"] == accession and values["PB"] == "Bigpicture portal"
    assert values["AB"] == "Line one. Line two."
    assert [value for tag, value in tags if tag == "KW"] == ["breast cancer", "biopsy"]
