"""`scanner_files`: a submission may list a scanner file (SVS...) as dcm; the repository converts it.

The admin's import (the default) still refuses a dcm file that is not DICOM.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from metaflex import validate_bundle
from metaflex.types import FileEntry
from repository.synthetic import write_svs
from tests.repository.metaflex_bundles import BundleBuilder, sha256

SVS_REL = "IMAGES/IMAGE_img1/slide.svs"


@pytest.fixture(scope="module")
def svs_bytes(tmp_path_factory) -> bytes:
    return write_svs(tmp_path_factory.mktemp("svs") / "slide.svs", width=1024, height=768, seed=3).path.read_bytes()


def bundle_with(tmp_path: Path, rel: str, data: bytes) -> Path:
    """The small test bundle, with img1's only FILE replaced by `data` at `rel` (its checksum listed)."""
    builder = BundleBuilder(tmp_path)
    old = builder.find("image", "IMAGE[@alias='img1']/FILES/FILE")
    (builder.root / old.get("filename")).unlink()
    old.set("filename", rel)
    old.set("checksum", builder.data_file(rel, data))
    return builder.write()


def test_admin_import_refuses_a_scanner_file(tmp_path, svs_bytes):
    bundle, report = validate_bundle(bundle_with(tmp_path, SVS_REL, svs_bytes))
    assert bundle is None
    [problem] = report.errors
    assert problem.rule == "file.dicom" and SVS_REL in problem.message
    assert not [p for p in report.problems if p.rule == "file.to_convert"]


def test_submission_lists_a_scanner_file_to_be_converted(tmp_path, svs_bytes):
    bundle, report = validate_bundle(bundle_with(tmp_path, SVS_REL, svs_bytes), scanner_files=True)
    assert bundle is not None, report.format()
    [notice] = [p for p in report.problems if p.rule == "file.to_convert"]
    assert notice.severity == "warning" and notice.alias == "img1" and notice.element == "FILE"
    assert SVS_REL in notice.message and "convert it to DICOM" in notice.message
    assert not [p for p in report.problems if p.rule == "file.dicom"]
    assert "img1" not in bundle.image_facts  # its DICOM facts are simply absent


def test_scanner_file_checksum_is_still_checked(tmp_path, svs_bytes):
    root = bundle_with(tmp_path, SVS_REL, svs_bytes)
    (root / SVS_REL).write_bytes(svs_bytes[:-1])
    _, report = validate_bundle(root, scanner_files=True)
    assert {p.rule for p in report.errors} == {"file.checksum"}


def test_broken_dicom_is_still_an_error_with_scanner_files(tmp_path):
    broken = b"\0" * 128 + b"DICM" + b"\x02\x00\x10\x00UI\x04\x00junk"
    _, report = validate_bundle(bundle_with(tmp_path, "IMAGES/IMAGE_img1/img1.dcm", broken), scanner_files=True)
    assert {p.rule for p in report.errors} == {"file.dicom"}


def bundle_emptied(tmp_path: Path, data: bytes | None, *, name: str = "slide.svs") -> Path:
    """The small test bundle with img1's FILES left empty and its folder holding `data` as `name` (or nothing)."""
    builder = BundleBuilder(tmp_path)
    old = builder.find("image", "IMAGE[@alias='img1']/FILES/FILE")
    (builder.root / old.get("filename")).unlink()
    old.getparent().remove(old)
    if data is not None:
        builder.data_file(f"IMAGES/IMAGE_img1/{name}", data)
    return builder.write()


def test_empty_files_are_the_folders_files_in_a_submission(tmp_path, svs_bytes):
    root = bundle_emptied(tmp_path, svs_bytes)
    bundle, report = validate_bundle(root, scanner_files=True, spill=True)
    assert bundle is not None, report.format()
    [notice] = [p for p in report.problems if p.rule == "image.files_to_fill"]
    assert notice.severity == "warning" and notice.alias == "img1" and notice.element == "FILES"
    assert "IMAGES/IMAGE_img1/ (slide.svs)" in notice.message and "lists the DICOM" in notice.message
    assert not [p for p in report.problems if p.rule in ("file.unlisted", "schema.required")]
    expected = [FileEntry(filename=SVS_REL, checksum_method="SHA256", checksum=sha256(svs_bytes), filetype="dcm")]
    spilled = next(e for e in bundle.iter_canonical("image") if e.alias == "img1")
    reread = next(bundle.canonical(e) for e in bundle.iter_entities("image") if e.alias == "img1")
    assert spilled.files == reread.files == expected
    bundle.close()


def test_empty_files_with_an_mrxs_folder_list_every_file(tmp_path, svs_bytes):
    root = bundle_emptied(tmp_path, b"mrxs index", name="slide.mrxs")
    (root / "IMAGES/IMAGE_img1/slide").mkdir()
    (root / "IMAGES/IMAGE_img1/slide/Data0000.dat").write_bytes(b"data")
    (root / "IMAGES/IMAGE_img1/.DS_Store").write_bytes(b"finder")
    bundle, report = validate_bundle(root, scanner_files=True)
    assert bundle is not None, report.format()
    image = next(bundle.canonical(e) for e in bundle.iter_entities("image") if e.alias == "img1")
    assert [f.filename for f in image.files] == ["IMAGES/IMAGE_img1/slide.mrxs",
                                                  "IMAGES/IMAGE_img1/slide/Data0000.dat"]


def test_empty_files_with_no_folder_is_an_error_naming_it(tmp_path):
    _, report = validate_bundle(bundle_emptied(tmp_path, None), scanner_files=True)
    [error] = report.errors
    assert error.rule == "image.files_to_fill" and error.alias == "img1"
    assert "IMAGES/IMAGE_img1/" in error.message


def test_empty_files_stay_a_schema_error_for_the_admins_import(tmp_path, svs_bytes):
    _, report = validate_bundle(bundle_emptied(tmp_path, svs_bytes))
    assert {p.rule for p in report.errors} == {"schema.required", "file.unlisted"}
    assert not [p for p in report.problems if p.rule == "image.files_to_fill"]


def test_files_with_other_elements_only_stay_a_schema_error(tmp_path, svs_bytes):
    builder = BundleBuilder(tmp_path)
    old = builder.find("image", "IMAGE[@alias='img1']/FILES/FILE")
    old.tag = "FIEL"
    _, report = validate_bundle(builder.write(), scanner_files=True)
    assert {"schema.unexpected", "schema.required"} <= {p.rule for p in report.errors}
    assert not [p for p in report.problems if p.rule == "image.files_to_fill"]
