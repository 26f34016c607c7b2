"""The samples endpoint flattens being → case → specimen → block → slide, naming parents by accession."""

from repository.models import Block, Case, Slide, Specimen
from tests.repository.api_factories import AGE_UNKNOWN, SPECIES, SpecimenFactory, populated_version


def samples(client, version, **params):
    url = f"/api/v1/datasets/{version.dataset.accession}/versions/{version.number}/samples/"
    response = client.get(url, params)
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_rows_name_their_parents(client, db):
    version = populated_version()
    rows = {row["kind"]: row for row in samples(client, version)}
    case, specimen, block, slide = Case.objects.get(), Specimen.objects.get(), Block.objects.get(), Slide.objects.get()
    assert list(rows) == ["being", "case", "specimen", "block", "slide"]
    assert rows["being"]["accession"] == case.being.accession
    assert rows["case"]["being"] == case.being.accession
    assert rows["specimen"] == {
        "kind": "specimen", "accession": specimen.accession, "alias": specimen.alias, "attributes": [],
        "being": case.being.accession, "case": case.accession,
    }
    assert rows["block"]["specimens"] == [specimen.accession]
    assert rows["slide"]["block"] == block.accession
    assert rows["slide"]["staining"]["accession"] == slide.staining.accession
    assert rows["slide"]["staining"]["stains"] == [
        [{"kind": "string", "tag": "stain", "value": "H&E", "units": None, "nil": False}]]


def test_typed_attributes_are_kept_and_nil_stays_null(client, db):
    version = populated_version()
    being = samples(client, version, kind="being")[0]
    assert being["attributes"] == [{**SPECIES, "units": None}, {**AGE_UNKNOWN, "units": None}]
    assert being["attributes"][1]["value"] is None and being["attributes"][1]["nil"] is True
    slide = samples(client, version, kind="slide")[0]
    assert slide["attributes"][0]["units"] == "um"


def test_kind_filter(client, db):
    version = populated_version()
    SpecimenFactory(version=version, case=None)
    rows = samples(client, version, kind=["slide", "specimen"])
    assert [row["kind"] for row in rows] == ["specimen", "specimen", "slide"]
    assert rows[1]["case"] is None
    url = f"/api/v1/datasets/{version.dataset.accession}/versions/1/samples/"
    assert client.get(url, {"kind": "organ"}).status_code == 400
