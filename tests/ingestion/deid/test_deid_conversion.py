"""Converting a scanner file with the de-identification options writes clean instances."""

from __future__ import annotations

import io
import re

import pydicom
import pytest
import tifffile
from pydicom.pixels import pixel_array
from wsidicom import WsiDicom
from wsidicomizer import WsiDicomizer

from ingestion.deid.context import DeidPolicy
from ingestion.deid.conversion import conversion_finish, dicomizer_options
from repository.synthetic.info import hash_files
from tests.ingestion.deid.conftest import assert_no_identifiers


def _convert(svs, out, context):
    files = WsiDicomizer.convert(svs, output_path=out, tile_size=256, **dicomizer_options(context))
    return conversion_finish(files, context=context)


def _source_sha256(svs) -> str:
    return hash_files([svs], root=svs.parent)[0]


def test_converted_instances_hold_no_identifier(synthetic_svs, make_context, tmp_path):
    description = tifffile.TiffFile(synthetic_svs).pages[0].description
    user = re.search(r"\|User = ([^|]+)", description)[1]
    assert user and "BP-DEMO" in description  # the source does carry them
    context = make_context(source=_source_sha256(synthetic_svs))
    files = _convert(synthetic_svs, tmp_path / "out", context)
    headers = [pydicom.dcmread(f, stop_before_pixels=True) for f in files]
    kinds = sorted(h.ImageType[2] for h in headers)
    assert "LABEL" not in kinds and "OVERVIEW" not in kinds  # default policy: both removed
    assert "THUMBNAIL" in kinds and "VOLUME" in kinds
    for path in files:
        data = path.read_bytes()
        assert_no_identifiers(data, path.name)
        assert user.encode() not in data
    assert len({h.SeriesInstanceUID for h in headers}) == 1 and len({h.StudyInstanceUID for h in headers}) == 1
    assert all(h.PatientIdentityRemoved == "YES" for h in headers)
    assert all("113100" in [c.CodeValue for c in h.DeidentificationMethodCodeSequence] for h in headers)
    with WsiDicom.open(tmp_path / "out") as wsi:
        thumbnail = wsi.read_thumbnail((256, 256))
        region = wsi.read_region((0, 0), 0, (256, 256))
    buffer = io.BytesIO()
    thumbnail.save(buffer, "PNG")
    assert_no_identifiers(buffer.getvalue(), "the thumbnail rendered from the volume")
    assert region.size == (256, 256)


def test_a_rerun_gives_the_same_uids(synthetic_svs, make_context, tmp_path):
    sha = _source_sha256(synthetic_svs)
    first = sorted(p.name for p in _convert(synthetic_svs, tmp_path / "a", make_context(source=sha)))
    second = sorted(p.name for p in _convert(synthetic_svs, tmp_path / "b", make_context(source=sha)))
    assert first == second
    other = sorted(p.name for p in _convert(synthetic_svs, tmp_path / "c", make_context(source="0" * 64)))
    assert not set(first) & set(other)


@pytest.mark.parametrize("overview", ["blank", "keep"])
def test_overview_policy(synthetic_svs, make_context, tmp_path, overview):
    context = make_context(DeidPolicy(overview=overview), source=_source_sha256(synthetic_svs))
    files = _convert(synthetic_svs, tmp_path / "out", context)
    [overview_file] = [f for f in files if pydicom.dcmread(f, stop_before_pixels=True).ImageType[2] == "OVERVIEW"]
    ds = pydicom.dcmread(overview_file)
    pixels = pixel_array(ds)
    if overview == "blank":
        assert pixels.min() >= 250 and ds.BurnedInAnnotation == "NO"  # uniform white
        assert "113101" in [c.CodeValue for c in ds.DeidentificationMethodCodeSequence]
        assert_no_identifiers(overview_file.read_bytes(), "the blanked overview")
    else:
        assert pixels.std() > 1  # the macro image, as scanned
    with WsiDicom.open(tmp_path / "out") as wsi:
        assert wsi.read_overview().size == (pixels.shape[1], pixels.shape[0])


def test_label_kept_only_by_policy(synthetic_svs, make_context, tmp_path):
    context = make_context(DeidPolicy(label="keep"), source=_source_sha256(synthetic_svs))
    files = _convert(synthetic_svs, tmp_path / "out", context)
    labels = [f for f in files if pydicom.dcmread(f, stop_before_pixels=True).ImageType[2] == "LABEL"]
    assert len(labels) == 1
    assert_no_identifiers(pydicom.dcmread(labels[0], stop_before_pixels=True).to_json().encode(), "the label header")
