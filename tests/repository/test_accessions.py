"""Accessions follow the Bigpicture format, are registered, and are never reused."""

import re
from collections import Counter

import pytest

from repository.accessions import (
    ACCESSION_RE,
    ALPHABET,
    accession_candidate,
    accession_candidates,
    accession_is_valid,
)
from repository.models import Accession
from repository.services import accession_mint, accessions_mint


def test_format_matches_bigpicture():
    accession = accession_candidate(center="aa", type="dataset")
    assert re.fullmatch(r"aa-dataset-[a-z2-9]{6}-[a-z2-9]{6}", accession)
    assert not set(accession.split("-", 2)[2].replace("-", "")) & set("ilo01")
    assert accession_is_valid("aa-dataset-6dn9zp-yxcfb4", type="dataset")
    assert accession_is_valid("bp-landing_page-abcdef-ghjkmn")


@pytest.mark.parametrize("bad", ["aa-dataset-6dn9zp-yxcfb", "aa-dataset-6dn9zp-yxcfb1", "AA-dataset-6dn9zp-yxcfb4",
                                 "aa-thing-6dn9zp-yxcfb4", "aa-dataset-6dn9zo-yxcfb4", ""])
def test_malformed_accessions_are_rejected(bad):
    assert not accession_is_valid(bad)


def test_bad_center_is_refused():
    with pytest.raises(ValueError, match="ACCESSION_CENTER"):
        accession_candidate(center="A1", type="dataset")


def test_mint_uses_center_from_settings(db, settings):
    settings.ACCESSION_CENTER = "se"
    accession = accession_mint(type="image", alias="img-1", dataset_accession="se-dataset-aaaaaa-bbbbbb")
    assert accession.startswith("se-image-")
    row = Accession.objects.get(pk=accession)
    assert (row.type, row.alias) == ("image", "img-1")


def test_batch_minting_is_unique_and_registered(db):
    issued = accessions_mint(type="image", aliases=[f"img-{n}" for n in range(5000)])
    assert len(set(issued.values())) == 5000
    assert Accession.objects.count() == 5000
    assert all(ACCESSION_RE.match(a) for a in issued.values())


def test_collisions_with_the_registry_are_redrawn(db, monkeypatch):
    from repository.services import accessions as module

    Accession.objects.create(accession="bp-image-aaaaaa-aaaaaa", type="image")
    draws = iter([["bp-image-aaaaaa-aaaaaa"], ["bp-image-bbbbbb-bbbbbb"]])
    monkeypatch.setattr(module, "accession_candidates", lambda **kwargs: next(draws))
    assert accessions_mint(type="image", aliases=["x"]) == {"x": "bp-image-bbbbbb-bbbbbb"}


def test_collisions_within_a_batch_are_redrawn(db, monkeypatch):
    from repository.services import accessions as module

    draws = iter([["bp-image-cccccc-cccccc", "bp-image-cccccc-cccccc", "bp-image-dddddd-dddddd"],
                  ["bp-image-eeeeee-eeeeee"]])
    monkeypatch.setattr(module, "accession_candidates", lambda **kwargs: next(draws))
    issued = accessions_mint(type="image", aliases=["x", "y", "z"], dataset_accession="bp-dataset-aaaaaa-aaaaaa")
    assert sorted(issued.values()) == ["bp-image-cccccc-cccccc", "bp-image-dddddd-dddddd", "bp-image-eeeeee-eeeeee"]
    rows = {row.accession: (row.alias, row.type, row.dataset_accession) for row in Accession.objects.all()}
    assert rows == {accession: (alias, "image", "bp-dataset-aaaaaa-aaaaaa") for alias, accession in issued.items()}


def test_candidates_use_every_letter_evenly():
    letters = "".join(a.split("-", 2)[2].replace("-", "")
                      for a in accession_candidates(center="bp", type="image", count=20000))
    counts = Counter(letters)
    assert set(counts) == set(ALPHABET) and len(letters) == 240000
    expected = len(letters) / len(ALPHABET)
    assert all(abs(n - expected) < 0.05 * expected for n in counts.values())


def test_alphabet_has_no_lookalikes():
    assert not set(ALPHABET) & set("ilo01") and len(set(ALPHABET)) == 31


def test_the_format_module_and_the_registry_name_the_same_types():
    from metaflex.accession import TYPES
    from repository.models import AccessionType

    assert sorted(TYPES) == sorted(AccessionType.values)


def test_a_trailing_newline_is_not_part_of_a_valid_accession():
    assert accession_is_valid("aa-dataset-6dn9zp-yxcfb4")
    assert not accession_is_valid("aa-dataset-6dn9zp-yxcfb4\n")
