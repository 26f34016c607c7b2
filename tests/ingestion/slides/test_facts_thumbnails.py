"""slide_facts() from DICOM headers; thumbnails and previews from VOLUME levels only."""

from __future__ import annotations

import io
import json
import re

import numpy as np
import pydicom
import pytest
from PIL import Image

from ingestion.slides.facts import estimated_power, slide_facts
from ingestion.slides.thumbnails import preview_jpeg, thumbnail_jpeg
from repository.synthetic import TissueModel


def test_facts_of_a_dicom_slide(dicom):
    facts = slide_facts(list(dicom.files))
    assert [(lv.width, lv.height) for lv in facts.levels] == list(dicom.levels)
    assert [lv.mpp for lv in facts.levels] == [0.25, 1.0]
    assert (facts.width, facts.height, facts.tile_width, facts.tile_height) == (2048, 1536, 256, 256)
    assert (facts.mpp, facts.magnification, facts.magnification_estimated) == (0.25, 40.0, True)
    assert (facts.manufacturer, facts.model, facts.software_versions) == (
        "BigPicture synthetic", "TissueModel", "repository.synthetic")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", facts.acquisition_datetime)
    assert (facts.focal_planes, facts.optical_paths) == (1, 1)
    data = json.loads(json.dumps(facts.to_json()))
    assert data["levels"][0] == {"width": 2048, "height": 1536, "mpp": 0.25}


def test_facts_of_a_conversion_without_scanner_say_so(converted_svs):
    facts = slide_facts(converted_svs.instances)
    assert facts.manufacturer is None and facts.model is None  # not wsidicomizer's "Unknown"
    assert facts.width == 2048 and facts.mpp == 0.25


@pytest.mark.parametrize(("mpp", "power"), [(0.25, 40), (0.5, 20), (0.23, 40), (1.0, 10), (0.5022, 20)])
def test_magnification_estimate(mpp, power):
    assert estimated_power(mpp) == power


def _image(jpeg: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(jpeg))
    assert image.format == "JPEG"
    return image.convert("RGB")


def test_thumbnail_shows_the_tissue_and_never_the_label(dicom):
    volumes = [p for p in dicom.files if pydicom.dcmread(p, stop_before_pixels=True).ImageType[2] == "VOLUME"]
    assert len(volumes) < len(dicom.files)  # label and overview are there too
    thumbnail = thumbnail_jpeg(list(dicom.files))
    assert thumbnail == thumbnail_jpeg(volumes)
    image = _image(thumbnail)
    assert image.size == (512, 384)
    expected = TissueModel(dicom.seed, dicom.width, dicom.height, mpp=0.25).thumbnail(512)
    difference = np.abs(np.asarray(image, dtype=int) - expected.astype(int)).mean()
    assert difference < 12


def test_preview_and_small_limits(dicom):
    assert _image(preview_jpeg(list(dicom.files))).size == (2000, 1500)  # a landing page's sample image at most
    assert _image(thumbnail_jpeg(list(dicom.files), max_px=100)).size == (100, 75)
    assert _image(preview_jpeg(list(dicom.files), max_px=4096)).size == (2048, 1536)  # never enlarged
