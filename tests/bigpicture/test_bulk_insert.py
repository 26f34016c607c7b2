"""`rows_insert` and `values_insert` store what `bulk_create` stores, and hand back primary keys."""

from datetime import UTC, datetime

import pytest
from django.db import IntegrityError, transaction
from django.forms.models import model_to_dict

from bigpicture.bulk import copy_encode, rows_insert, values_insert
from repository import models as m
from tests.repository.factories import DatasetFactory, DatasetVersionFactory

AWKWARD = 'tab\there, line\nbreak\r, back\\slash, "quoted", µm/px, \\N, ∅'


def _stainings(version, tag: str) -> list[m.Staining]:
    return [
        m.Staining(version=version, alias=f"{tag}-full", accession=f"bp-staining-{tag}-aaaaaa", content_hash="0" * 64,
                   fields={"NOTE": AWKWARD}, refs={"X_REF": [{"kind": "x", "alias": AWKWARD}]},
                   attributes=[{"kind": "string", "tag": "t", "value": AWKWARD, "units": None, "nil": False}],
                   procedure_information=None, stains=[{"name": AWKWARD}]),
        m.Staining(version=version, alias=f"{tag}-empty", accession=f"bp-staining-{tag}-bbbbbb", content_hash="",
                   fields={}, refs={}, attributes=None, procedure_information={"a": [1, 2.5, True, None]}, stains=[]),
    ]


def _stored(model, rows) -> list[dict]:
    return [model_to_dict(model.objects.get(pk=row.pk), exclude=["id", "alias", "accession", "version"])
            for row in rows]


@pytest.mark.postgres
def test_rows_insert_stores_what_bulk_create_stores(db):
    version = DatasetVersionFactory()
    copied = rows_insert(_stainings(version, "copy"))
    created = m.Staining.objects.bulk_create(_stainings(version, "bulk"))
    assert all(row.pk for row in copied) and len({row.pk for row in [*copied, *created]}) == 4
    assert _stored(m.Staining, copied) == _stored(m.Staining, created)
    assert m.Staining.objects.get(pk=copied[1].pk).attributes is None  # SQL NULL, not JSON null
    assert not copied[0]._state.adding


@pytest.mark.postgres
def test_rows_insert_uses_the_json_it_is_given(db):
    version = DatasetVersionFactory()
    rows = _stainings(version, "json")
    rows_insert(rows, json_texts=[{"fields": '{"NOTE":"from the caller"}'}, {}])
    assert m.Staining.objects.get(pk=rows[0].pk).fields == {"NOTE": "from the caller"}
    assert m.Staining.objects.get(pk=rows[1].pk).fields == {}


@pytest.mark.postgres
def test_rows_insert_handles_dates_booleans_and_foreign_keys(db):
    dataset = DatasetFactory()
    when = datetime(2026, 3, 4, 5, 6, 7, 890000, tzinfo=UTC)

    def version(number):
        return m.DatasetVersion(dataset=dataset, number=number, alias="a", title=AWKWARD, short_name="S",
                                version_label="1", metadata_standard="2.0.0", is_clinical=False, total_bytes=2**40,
                                published_at=when, keywords=["k"], search_text="carcinoma")

    copied = rows_insert([version(1)])
    created = m.DatasetVersion.objects.bulk_create([version(2)])
    exclude = ["id", "number", "search_vector"]
    assert (model_to_dict(m.DatasetVersion.objects.get(pk=copied[0].pk), exclude=exclude)
            == model_to_dict(m.DatasetVersion.objects.get(pk=created[0].pk), exclude=exclude))
    assert m.DatasetVersion.objects.filter(pk=copied[0].pk, search_vector="carcinoma").exists()  # the trigger ran


@pytest.mark.postgres
def test_values_insert_writes_link_rows(db):
    version = DatasetVersionFactory()
    stainings = rows_insert(_stainings(version, "link"))
    being = rows_insert([m.BiologicalBeing(version=version, alias="b", accession="bp-sample-aaaaaa-aaaaaa")])[0]
    specimen = rows_insert([m.Specimen(version=version, alias="s", accession="bp-sample-bbbbbb-bbbbbb",
                                       being=being)])[0]
    block = rows_insert([m.Block(version=version, alias="k", accession="bp-sample-cccccc-cccccc")])[0]
    values_insert(m.Block.specimens.through, ("block_id", "specimen_id"), [(block.pk, specimen.pk)])
    assert list(block.specimens.all()) == [specimen]
    assert stainings[0].pk != stainings[1].pk


def test_copy_encoding_escapes_what_copy_reads_specially():
    assert copy_encode(None) == "\\N"
    assert copy_encode("a\tb\nc\\d\re") == "a\\tb\\nc\\\\d\\re"
    assert copy_encode(True) == "t" and copy_encode(3) == "3"
    assert copy_encode({"a": "µ"}) == '{"a": "µ"}'


@pytest.mark.postgres
def test_a_refused_copy_raises_djangos_integrity_error(db):
    version = DatasetVersionFactory()
    rows_insert(_stainings(version, "dup"))
    with pytest.raises(IntegrityError), transaction.atomic():
        rows_insert(_stainings(version, "dup"))  # the same aliases in the same version
    assert m.Staining.objects.filter(version=version).count() == 2


@pytest.mark.postgres
def test_values_insert_gives_every_other_field_its_default(db):
    dataset = DatasetFactory()
    given = {"dataset_id": dataset.pk, "number": 1, "alias": "a", "title": "T", "short_name": "S",
             "version_label": "1", "metadata_standard": "2.0.0"}
    values_insert(m.DatasetVersion, tuple(given), [tuple(given.values())])
    created = m.DatasetVersion.objects.create(**{**given, "number": 2})
    copied = m.DatasetVersion.objects.get(dataset=dataset, number=1)
    exclude = ["id", "number", "search_vector"]
    assert model_to_dict(copied, exclude=exclude) == model_to_dict(created, exclude=exclude)


@pytest.mark.postgres
def test_values_insert_stamps_auto_now_fields(db):
    values_insert(m.Accession, ("accession", "type"), [("bp-image-aaaaaa-bbbbbb", "image")])
    row = m.Accession.objects.get()
    assert row.created is not None and (row.dataset_accession, row.alias) == ("", "")
