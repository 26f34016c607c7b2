"""`scanner_files`: a submission may list a scanner file (SVS...) as dcm; the repository converts it.

The admin's import (the default) still refuses a dcm file that is not DICOM.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from metaflex import validate_bundle
from repository.synthetic import write_svs
from tests.repository.metaflex_bundles import BundleBuilder

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
