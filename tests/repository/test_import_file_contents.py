"""Files are what they claim before anything is archived: DICOM is DICOM, sample images are public images."""

from __future__ import annotations

from pathlib import Path

import pytest

from bigpicture.storage import storage_for
from repository import models as m
from repository.synthetic.small import sample_image_bytes
from tests.repository.committed import import_committed
from tests.repository.metaflex_bundles import BundleBuilder

SAMPLE = "LANDING_PAGE/SAMPLE_IMAGE_FILES/SAMPLE_IMAGE_FILE"


def _stored(area: str) -> set[str]:
    root = Path(storage_for(area).location)  # local storage in tests
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()} if root.exists() else set()


@pytest.fixture
def storage_before():
    return {area: _stored(area) for area in ("archive", "public")}


def test_a_dcm_that_is_not_dicom_is_refused_and_nothing_is_archived(db, tmp_path, storage_before):
    builder = BundleBuilder(tmp_path)
    fake = b"\x00" * 128 + b"DICM" + b"not really DICOM" * 8
    builder.find("image", "IMAGE[@alias='img2']/FILES/FILE").set(
        "checksum", builder.data_file("IMAGES/IMAGE_img2/img2.dcm", fake))
    result = import_committed(bundle_dir=builder.write())
    assert not result.ok and not m.Dataset.objects.exists()
    problem = next(p for p in result.report.errors if p.rule == "file.dicom")
    assert problem.alias == "img2" and "img2.dcm" in problem.message and "DICOM" in problem.message
    assert {area: _stored(area) for area in ("archive", "public")} == storage_before


def test_private_metadata_cannot_be_a_sample_image(db, tmp_path, storage_before):
    builder = BundleBuilder(tmp_path)
    builder.find("landing_page", SAMPLE).set("filename", "PRIVATE/organisation.xml")
    root = builder.write()
    (root / "LANDING_PAGE/THUMBNAILS/thumb1.jpg").unlink()
    result = import_committed(bundle_dir=root)
    assert [p.rule for p in result.report.errors] == ["sample_image.location"], result.report.format()
    assert "LANDING_PAGE/" in result.report.errors[0].message
    assert _stored("public") == storage_before["public"]


def test_a_slide_cannot_be_a_sample_image(db, tmp_path):
    builder = BundleBuilder(tmp_path)
    image = builder.find("image", "IMAGE[@alias='img1']/FILES/FILE")
    sample = builder.find("landing_page", SAMPLE)
    sample.set("filename", image.get("filename"))
    sample.set("checksum", image.get("checksum"))
    root = builder.write()
    (root / "LANDING_PAGE/THUMBNAILS/thumb1.jpg").unlink()
    result = import_committed(bundle_dir=root)
    assert "sample_image.location" in result.report.rules() and result.version is None


def test_sample_image_sizes_are_recorded(db, tmp_path):
    builder = BundleBuilder(tmp_path)
    builder.find("landing_page", SAMPLE).set("checksum", builder.data_file(
        "LANDING_PAGE/THUMBNAILS/thumb1.jpg", sample_image_bytes("wide", size=(2000, 1000))))
    result = import_committed(bundle_dir=builder.write())
    assert result.ok, result.report.format()
    sample = result.version.summary["sample_images"][0]
    assert (sample["width"], sample["height"]) == (2000, 1000)
