"""The bulk uploader sends scanner files (SVS...) listed as dcm: the portal converts them."""

from __future__ import annotations

from bigpicture_upload.local import bundle_validate

from tests.repository.test_metaflex_scanner_files import (  # noqa: F401 (svs_bytes: a fixture)
    SVS_REL,
    bundle_emptied,
    bundle_with,
    svs_bytes,
)


def test_uploader_accepts_a_bundle_listing_an_svs(tmp_path, svs_bytes):  # noqa: F811
    root = bundle_with(tmp_path, SVS_REL, svs_bytes)
    files, report = bundle_validate(root)
    assert files is not None, report.format()
    [svs] = [f for f in files if f.path == SVS_REL]
    assert svs.size == len(svs_bytes)
    assert [p.rule for p in report.problems if p.severity == "warning"].count("file.to_convert") == 1


def test_uploader_sends_the_folder_of_an_image_whose_files_are_left_empty(tmp_path, svs_bytes):  # noqa: F811
    files, report = bundle_validate(bundle_emptied(tmp_path, svs_bytes))
    assert files is not None, report.format()
    [svs] = [f for f in files if f.path == SVS_REL]
    assert svs.size == len(svs_bytes)
    assert "image.files_to_fill" in {p.rule for p in report.warnings}
