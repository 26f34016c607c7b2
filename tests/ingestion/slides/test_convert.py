"""convert(): real wsidicomizer conversions, lossless pass-through checked on decoded pixels."""

from __future__ import annotations

import numpy as np
import pydicom
import pytest
from opentile import OpenTile
from PIL import Image
from pydicom.uid import JPEGBaseline8Bit
from wsidicom import WsiDicom

from ingestion.slides.convert import convert
from ingestion.slides.identify import identify


def _decoded(jpeg: bytes) -> np.ndarray:
    import io

    return np.asarray(Image.open(io.BytesIO(jpeg)).convert("RGB"))


def _base_tile(instances, position=(1, 1)) -> np.ndarray:
    with WsiDicom.open(instances) as wsi:
        return np.asarray(wsi.read_tile(0, position).convert("RGB"))


def test_svs_passes_its_jpeg_tiles_through(svs, converted_svs):
    result = converted_svs
    assert result.lossless and result.lossy_ratio is None
    assert (result.source_reader, result.transfer_syntax) == ("opentile", JPEGBaseline8Bit)
    types = sorted(pydicom.dcmread(p, stop_before_pixels=True).ImageType[2] for p in result.instances)
    assert types == ["LABEL", "OVERVIEW", "THUMBNAIL", "VOLUME", "VOLUME"]
    with OpenTile.open(svs.path) as tiler:
        source = _decoded(tiler.levels[0].get_tile((1, 1)))
    assert np.array_equal(_base_tile(result.instances), source)
    assert all(p.parent == result.instances[0].parent for p in result.instances)


def test_ome_tiff_passes_through(ome, tmp_path):
    result = convert(ome.path, tmp_path / "out", fmt=identify(ome.path, name="slide.ome.tiff"))
    assert result.lossless and result.source_reader == "opentile"
    with OpenTile.open(ome.path) as tiler:
        source = _decoded(tiler.levels[0].get_tile((1, 1)))
    assert np.array_equal(_base_tile(result.instances), source)
    with WsiDicom.open(result.instances) as wsi:
        assert [(lv.size.width, lv.size.height) for lv in wsi.levels] == list(ome.levels)


def test_openslide_fallback_is_flagged_lossy(tiled_tiff, tmp_path):
    result = convert(tiled_tiff.path, tmp_path / "out", fmt=identify(tiled_tiff.path, name="slide.tif"))
    assert not result.lossless
    assert result.source_reader == "openslide" and result.transfer_syntax == JPEGBaseline8Bit
    assert result.lossy_ratio is not None and result.lossy_ratio > 1
    import openslide

    with openslide.OpenSlide(str(tiled_tiff.path)) as slide:
        source = np.asarray(slide.read_region((0, 0), 0, (512, 512)).convert("RGB"), dtype=int)
    with WsiDicom.open(result.instances) as wsi:
        output = np.asarray(wsi.read_region((0, 0), 0, (512, 512)).convert("RGB"), dtype=int)
    difference = np.abs(source - output)
    assert 0 < difference.mean() < 5  # re-encoded: close, but not the same pixels


def test_conversion_passes_metadata_and_uids(svs, tmp_path):
    from repository.synthetic.dicom import seeded_uid_generator

    seen = []

    def post_processor(dataset, metadata):
        seen.append(metadata)
        dataset.PatientName = "PSEUDO^NYM"
        return dataset

    result = convert(svs.path, tmp_path / "out", fmt=identify(svs.path, name="slide.svs"),
                     uid_generator=seeded_uid_generator(5), post_processor=post_processor,
                     include_label=False, include_overview=False)
    headers = [pydicom.dcmread(p, stop_before_pixels=True) for p in result.instances]
    assert {str(h.PatientName) for h in headers} == {"PSEUDO^NYM"}
    assert not {"LABEL", "OVERVIEW"} & {h.ImageType[2] for h in headers}
    assert seen and all(str(h.StudyInstanceUID).startswith("2.25.") for h in headers)


def test_out_dir_must_be_empty(svs, tmp_path):
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "old.dcm").write_bytes(b"x")
    with pytest.raises(ValueError, match="not empty"):
        convert(svs.path, tmp_path / "out", fmt=identify(svs.path, name="slide.svs"))
