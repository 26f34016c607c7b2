"""The synthetic tissue renders the very same pixels from release to release.

Demo slides, benchmark bundles and tests that assert on planted regions all rely
on a seed giving the same picture. Hashes were computed before `tissue` was split
into modules; a change here means the generator's output changed.
"""

import hashlib

import numpy as np
import pytest

from repository.synthetic import TissueModel
from repository.synthetic.tissue import mix_key, unit_hash


def _sha(pixels: np.ndarray) -> str:
    return hashlib.sha256(pixels.tobytes()).hexdigest()


@pytest.fixture(scope="module")
def model() -> TissueModel:
    return TissueModel(5, 4096, 3072)


def test_planted_regions_are_pinned(model):
    assert model.describe() == {
        "blank_regions": [(768, 2114, 384, 384)],
        "blurred_regions": [(860, 658, 384, 384), (2829, 578, 384, 384)],
        "tissue_regions": [(1706, 1435, 384, 384)],
        "blur_sigma": 8.0,
    }
    assert (mix_key(1, 2, 3), unit_hash(7, 8)) == (2801655874, 0.3959955987520516)


@pytest.mark.parametrize(("window", "digest"), [
    ((1, 1500, 1200, 96, 64), "3eca69349ec9097675f5f3e1ffbeebed3cf4d5ca46890166fd488696a33c6db7"),  # tissue
    ((1, 870, 668, 64, 64), "642c2612569e68c1adde781ac0b164359ae970d28770233eae4516e2ae7206c3"),  # blurred
    ((4, 400, 300, 64, 48), "7827b33a2c5bf47695c1b49541e868e24c774d56a87a79e27f2f5f2778b1909b"),  # level 4
])
def test_rendered_windows_are_pinned(model, window, digest):
    assert _sha(model.tile(*window)) == digest


def test_thumbnail_and_other_resolution_are_pinned(model):
    assert _sha(model.thumbnail(128)) == "6a0de4a65e0f7e7eac6e073c5c8cef997c6cf270e91299a49156c22b2e4091aa"
    other = TissueModel(9, 2048, 2048, mpp=0.5).tile(1, 700, 1200, 64, 64)
    assert _sha(other) == "8a33c0533ed8eeb7069dbb8ee8acfcde710da28992bba9f52dac49abbc77138f"
