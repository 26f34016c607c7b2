"""Data files: listed files exist, match SHA256, stay inside the bundle, nothing is unlisted."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from metaflex import validate_bundle
from metaflex.files import CHUNK, read_head_and_hash
from tests.repository.metaflex_bundles import BundleBuilder, sha256

IMG1 = "IMAGE[@alias='img1']/FILES/FILE"


def only(report, rule: str) -> list:
    assert {p.rule for p in report.errors} == {rule}, report.format()
    return [p for p in report.errors if p.rule == rule]


def test_missing_file(tmp_path: Path) -> None:
    root = BundleBuilder(tmp_path).write()
    (root / "IMAGES/IMAGE_img1/img1.dcm").unlink()
    _, report = validate_bundle(root)
    [problem] = only(report, "file.missing")
    assert (problem.file, problem.alias, problem.element) == ("METADATA/image.xml", "img1", "FILE")
    assert problem.line > 0 and "IMAGES/IMAGE_img1/img1.dcm" in problem.message


def test_checksum_mismatch(tmp_path: Path) -> None:
    root = BundleBuilder(tmp_path).write()
    (root / "ANNOTATIONS/ann1.json").write_text("{}")
    _, report = validate_bundle(root)
    [problem] = only(report, "file.checksum")
    assert (problem.file, problem.alias) == ("METADATA/annotation.xml", "ann1")
    assert sha256(b"{}") in problem.message


def test_landing_page_sample_image_checksum(tmp_path: Path) -> None:
    root = BundleBuilder(tmp_path).write()
    (root / "LANDING_PAGE/THUMBNAILS/thumb1.jpg").write_bytes(b"other")
    _, report = validate_bundle(root)
    [problem] = only(report, "file.checksum")
    assert (problem.file, problem.alias, problem.element) == ("LANDING_PAGE/landing_page.xml", "lp1",
                                                              "SAMPLE_IMAGE_FILE")


@pytest.mark.parametrize("rel", ["IMAGES/IMAGE_img1/extra.dcm", "notes.txt", "LANDING_PAGE/THUMBNAILS/x.png"])
def test_unlisted_file(tmp_path: Path, rel: str) -> None:
    root = BundleBuilder(tmp_path).write()
    (root / rel).write_bytes(b"x")
    _, report = validate_bundle(root)
    [problem] = only(report, "file.unlisted")
    assert problem.file == rel


def test_layout_xml_files_are_not_unlisted(tmp_path: Path) -> None:
    root = BundleBuilder(tmp_path).write()
    (root / "PRIVATE/datacite.xml").write_text("<resource/>")
    _, report = validate_bundle(root)
    assert report.ok, report.format()


def test_hidden_unlisted_file_is_only_a_warning(tmp_path: Path) -> None:
    root = BundleBuilder(tmp_path).write()
    (root / "IMAGES/.DS_Store").write_bytes(b"x")
    bundle, report = validate_bundle(root)
    assert report.ok and bundle is not None
    assert [p.rule for p in report.warnings] == ["file.unlisted"]


@pytest.mark.parametrize("filename", ["../outside.dcm", "/etc/passwd", "IMAGES/../../outside.dcm",
                                      "IMAGES\\IMAGE_img1\\img1.dcm", "C:/x.dcm"])
def test_path_escape_in_filename(tmp_path: Path, filename: str) -> None:
    builder = BundleBuilder(tmp_path)
    file = builder.find("image", IMG1)
    original = file.get("filename")
    file.set("filename", filename)
    root = builder.write()
    os.unlink(root / original)  # keep the disk consistent so only the escape is reported
    _, report = validate_bundle(root)
    [problem] = only(report, "file.path_escape")
    assert (problem.file, problem.alias) == ("METADATA/image.xml", "img1")
    assert problem.line > 0


def test_listed_symlink_pointing_outside(tmp_path: Path) -> None:
    builder = BundleBuilder(tmp_path)
    root = builder.write()
    target = root / "IMAGES/IMAGE_img1/img1.dcm"
    outside = tmp_path / "outside.dcm"
    outside.write_bytes(target.read_bytes())
    target.unlink()
    target.symlink_to(outside)
    _, report = validate_bundle(root)
    problems = only(report, "file.path_escape")
    assert len(problems) == 1 and problems[0].alias == "img1"


def test_unlisted_symlink_pointing_outside(tmp_path: Path) -> None:
    root = BundleBuilder(tmp_path).write()
    (root / "IMAGES/secrets").symlink_to("/etc")
    _, report = validate_bundle(root)
    [problem] = only(report, "file.path_escape")
    assert problem.file == "IMAGES/secrets"


def test_file_listed_twice(tmp_path: Path) -> None:
    builder = BundleBuilder(tmp_path)
    file = builder.find("image", IMG1)
    other = builder.find("image", "IMAGE[@alias='img2']/FILES/FILE")
    root = builder.write()
    os.unlink(root / other.get("filename"))
    for key in ("filename", "checksum"):
        other.set(key, file.get(key))
    builder.write()
    _, report = validate_bundle(root)
    [problem] = only(report, "file.duplicate")
    assert problem.alias == "img2"


def test_hash_streams_in_chunks(tmp_path: Path) -> None:
    path = tmp_path / "big.bin"
    data = os.urandom(CHUNK * 2 + 17)
    path.write_bytes(data)
    assert read_head_and_hash(path) == (data[:CHUNK], sha256(data))
