"""The synthetic slide generator: formats readable by real readers, H&E-like
content with planted QC regions, determinism, and constant memory."""

from __future__ import annotations

import io
import subprocess
import sys
import tracemalloc
from pathlib import Path

import numpy as np
import pytest
import tifffile
from django.core.management import call_command

from repository.synthetic import SlideInfo, TissueModel, write_ome_tiff, write_svs
from repository.synthetic.tissue import Box

WIDTH, HEIGHT, SEED = 2048, 1536, 11


@pytest.fixture(scope="module")
def svs(tmp_path_factory: pytest.TempPathFactory) -> SlideInfo:
    return write_svs(tmp_path_factory.mktemp("svs") / "slide.svs", width=WIDTH, height=HEIGHT, seed=SEED)


@pytest.fixture(scope="module")
def base(svs: SlideInfo) -> np.ndarray:
    """The decoded full-resolution level (small enough at 2k)."""
    with tifffile.TiffFile(svs.path) as tif:
        return tif.pages[0].asarray()


def crop(image: np.ndarray, box: Box, margin: int = 16) -> np.ndarray:
    """Pixels of a box, minus a margin so soft borders do not count."""
    inner = box.inset(margin)
    return image[inner.y : inner.y1, inner.x : inner.x1]


def laplacian_variance(rgb: np.ndarray) -> float:
    """The usual focus measure: variance of the 4-neighbour Laplacian."""
    grey = rgb.astype(np.float64).mean(axis=2)
    lap = 4 * grey[1:-1, 1:-1] - grey[:-2, 1:-1] - grey[2:, 1:-1] - grey[1:-1, :-2] - grey[1:-1, 2:]
    return float(lap.var())


# -- SVS structure -------------------------------------------------------------


def test_svs_is_aperio_with_parsed_mpp_and_magnification(svs: SlideInfo) -> None:
    with tifffile.TiffFile(svs.path) as tif:
        assert tif.is_svs
        first = tif.pages.first
        assert first.is_tiled and first.compression == tifffile.COMPRESSION.JPEG
        assert first.description.startswith("Aperio Image Library")
        assert "|MPP = 0.25|AppMag = 40" in first.description
        meta = tifffile.tifffile.svs_description_metadata(first.description)
        assert meta["MPP"] == 0.25
        assert meta["AppMag"] == 40
        assert [s.name for s in tif.series] == ["Baseline", "Thumbnail", "Label", "Macro"]
        baseline = tif.series[0]
        assert baseline.shape[-3:] == (HEIGHT, WIDTH, 3)
        assert [lvl.shape[-3:-1] for lvl in baseline.levels] == [(h, w) for w, h in svs.levels]
        assert svs.levels == ((2048, 1536), (512, 384))
        thumbnail = tif.series[1].pages[0]
        assert not thumbnail.is_tiled
        assert max(thumbnail.shape[:2]) <= 1024
        assert tif.series[2].pages[0].subfiletype == 1
        assert tif.series[3].pages[0].subfiletype == 9
        assert "\r\nlabel " in tif.series[2].pages[0].description
        assert "\r\nmacro " in tif.series[3].pages[0].description


def test_svs_opens_in_opentile(svs: SlideInfo) -> None:
    from opentile import OpenTile

    with OpenTile.open(svs.path) as tiler:
        assert tiler.metadata.magnification == 40
        assert [level.image_size.to_tuple() for level in tiler.levels] == list(svs.levels)
        assert tiler.levels[0].mpp.width == pytest.approx(0.25)
        assert tiler.labels and tiler.overviews and tiler.thumbnails
        assert tiler.levels[0].get_tile((0, 0))[:2] == b"\xff\xd8"  # a JPEG frame


def test_label_and_macro_show_patient_name_and_barcode(svs: SlideInfo) -> None:
    with tifffile.TiffFile(svs.path) as tif:
        label = tif.series[2].asarray()
        macro = tif.series[3].asarray()
    # Text and the matrix code are dark ink on white paper.
    ink = (label.mean(axis=2) < 100).mean()
    assert 0.02 < ink < 0.5
    assert svs.macro_label_box is not None
    in_macro = crop(macro, svs.macro_label_box, margin=4)
    assert (in_macro.mean(axis=2) < 100).mean() > 0.02
    assert svs.patient_name == "DOE^JANE" and svs.barcode == "BP-SYN-000001"


def test_label_text_depends_on_patient_name(tmp_path: Path) -> None:
    from repository.synthetic.associated import render_label

    jane = render_label("DOE^JANE", "BP-SYN-000001")
    john = render_label("ROE^JOHN", "BP-SYN-000001")
    assert jane.shape == john.shape and not np.array_equal(jane, john)


# -- Content -------------------------------------------------------------------


def test_tiles_look_like_he_tissue(base: np.ndarray) -> None:
    rgb = base.astype(np.float64)
    background = rgb.min(axis=2) > 225
    assert 0.1 < background.mean() < 0.75
    tissue = ~background
    assert 0.25 < tissue.mean() < 0.9
    r, g, b = (rgb[..., c][tissue].mean() for c in range(3))
    assert r > g + 30 and b > g + 10, "tissue should be pink/purple (eosin)"
    # Nuclei: dark purple (haematoxylin) specks within the tissue.
    nuclei = (rgb.mean(axis=2) < 120) & (rgb[..., 2] > rgb[..., 1])
    assert 0.005 < nuclei[tissue].mean() < 0.4


def test_blank_region_is_near_white(svs: SlideInfo, base: np.ndarray) -> None:
    for box in svs.blank_regions:
        pixels = crop(base, box).astype(np.float64)
        assert pixels.mean() > 235
        assert pixels.std() < 4


def test_blurred_region_is_less_sharp_than_sharp_tissue(svs: SlideInfo, base: np.ndarray) -> None:
    sharp = min(laplacian_variance(crop(base, box)) for box in svs.tissue_regions)
    for box in svs.blurred_regions:
        pixels = crop(base, box)
        assert (pixels.min(axis=2) <= 225).mean() > 0.5, "blurred region should hold tissue"
        assert laplacian_variance(pixels) < 0.3 * sharp


def test_tissue_model_is_seamless_and_deterministic() -> None:
    model = TissueModel(5, 20000, 20000)
    x, y = 6000, 7000
    whole = model.tile(1, x, y, 512, 256)
    left = model.tile(1, x, y, 256, 256)
    right = model.tile(1, x + 256, y, 256, 256)
    joined = np.concatenate([left, right], axis=1)
    assert np.abs(whole.astype(int) - joined.astype(int)).max() <= 1
    assert np.array_equal(
        TissueModel(5, 20000, 20000).tile(4, 100, 200, 64, 64), model.tile(4, 100, 200, 64, 64)
    )
    assert not np.array_equal(TissueModel(6, 20000, 20000).tile(1, x, y, 64, 64), model.tile(1, x, y, 64, 64))


def test_lower_levels_match_the_downsampled_base(svs: SlideInfo, base: np.ndarray) -> None:
    with tifffile.TiffFile(svs.path) as tif:
        level1 = tif.series[0].levels[1].asarray().reshape(384, 512, 3).astype(np.float64)
    pooled = base[: 384 * 4, : 512 * 4].astype(np.float64).reshape(384, 4, 512, 4, 3).mean(axis=(1, 3))
    assert np.abs(level1.mean(axis=(0, 1)) - pooled.mean(axis=(0, 1))).max() < 12


# -- Determinism ---------------------------------------------------------------


def test_svs_is_byte_identical_for_the_same_arguments(svs: SlideInfo, tmp_path: Path) -> None:
    again = write_svs(tmp_path / "again.svs", width=WIDTH, height=HEIGHT, seed=SEED)
    assert again.sha256 == svs.sha256
    assert (tmp_path / "again.svs").read_bytes() == svs.path.read_bytes()
    other = write_svs(tmp_path / "other.svs", width=WIDTH, height=HEIGHT, seed=SEED + 1)
    assert other.sha256 != svs.sha256


# -- OME-TIFF ------------------------------------------------------------------


def test_ome_tiff_pyramid_with_physical_size(tmp_path: Path) -> None:
    info = write_ome_tiff(tmp_path / "slide.ome.tiff", width=WIDTH, height=HEIGHT, mpp=0.5, seed=SEED)
    with tifffile.TiffFile(info.path) as tif:
        assert tif.is_ome
        series = tif.series[0]
        assert series.shape == (HEIGHT, WIDTH, 3)
        assert [lvl.shape[:2] for lvl in series.levels] == [(h, w) for w, h in info.levels]
        assert len(info.levels) >= 3
        pixels = tifffile.xml2dict(tif.ome_metadata)["OME"]["Image"]["Pixels"]
        assert pixels["PhysicalSizeX"] == 0.5 and pixels["PhysicalSizeY"] == 0.5
        assert pixels["PhysicalSizeXUnit"] == "µm"
        assert series.levels[1].asarray().mean() < 250  # not blank
    again = write_ome_tiff(tmp_path / "again.ome.tiff", width=WIDTH, height=HEIGHT, mpp=0.5, seed=SEED)
    assert again.sha256 == info.sha256


# -- DICOM ---------------------------------------------------------------------


# wsidicom still calls a pydicom helper that pydicom 3 deprecates.
@pytest.mark.filterwarnings("ignore:get_frame_offsets is deprecated:DeprecationWarning")
def test_dicom_conversion_opens_in_wsidicom(tmp_path: Path) -> None:
    from wsidicom import WsiDicom

    from repository.synthetic import write_dicom_wsi

    info = write_dicom_wsi(tmp_path / "dicom", width=WIDTH, height=HEIGHT, seed=SEED)
    assert info.format == "dicom" and all(p.suffix == ".dcm" for p in info.files)
    with WsiDicom.open(info.path) as wsi:
        assert (wsi.size.width, wsi.size.height) == (WIDTH, HEIGHT)
        assert len(wsi.levels) == len(info.levels) == 2
        assert wsi.mpp.width == pytest.approx(0.25)
        assert str(wsi.metadata.patient.name) == "DOE^JANE"
        box = info.tissue_regions[0]
        region = np.asarray(wsi.read_region((box.x, box.y), 0, (128, 128)))
        assert region.shape == (128, 128, 3)
        assert region.mean() < 235  # tissue, not glass
        assert wsi.labels is not None and wsi.overviews is not None
    # UIDs (and so file names) are seeded; the files themselves carry the
    # write time, so only the names are compared.
    again = write_dicom_wsi(tmp_path / "again", width=WIDTH, height=HEIGHT, seed=SEED)
    assert [p.name for p in again.files] == [p.name for p in info.files]


# -- Memory --------------------------------------------------------------------


def _peak_rss_bytes(code: str) -> int:
    """Peak RSS of a fresh interpreter that runs `code`: no earlier test's peak counts."""
    script = code + "\nimport resource; print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    return int(done.stdout.split()[-1]) * 1024  # ru_maxrss is in KiB on Linux


def test_large_svs_is_written_in_constant_memory(tmp_path: Path) -> None:
    size = 20000
    raw = size * size * 3  # 1.2 GB if it were ever held in memory
    setup = "from repository.synthetic.svs import write_svs"
    baseline = _peak_rss_bytes(setup)
    peak = _peak_rss_bytes(f"{setup}\nwrite_svs({str(tmp_path / 'large.svs')!r}, width={size}, height={size}, seed=1)")
    assert peak - baseline < raw / 8
    with tifffile.TiffFile(tmp_path / "large.svs") as tif:
        assert tif.is_svs
        assert len(tif.series[0].levels) == 4
        page = tif.pages.first
        assert page.shape == (size, size, 3)
        assert len(page.dataoffsets) == (size // 256 + 1) ** 2


def test_painting_memory_does_not_grow_with_slide_size(tmp_path: Path) -> None:
    peaks = []
    for size in (2048, 4096):
        tracemalloc.start()
        try:
            write_svs(tmp_path / f"{size}.svs", width=size, height=size, seed=2)
            peaks.append(tracemalloc.get_traced_memory()[1])
        finally:
            tracemalloc.stop()
    # 4x the pixels, about the same peak (thumbnail and macro dominate).
    assert peaks[1] < 1.25 * peaks[0] + 4e6
    assert peaks[1] < 64e6


# -- CLI -----------------------------------------------------------------------


def test_management_command_writes_and_reports(tmp_path: Path) -> None:
    out = tmp_path / "cli.svs"
    stdout = io.StringIO()
    call_command(
        "make_synthetic_slide", "--format", "svs", "--width", "2048", "--height", "2048", "--seed", "3",
        str(out), stdout=stdout,
    )  # fmt: skip
    assert out.exists()
    text = stdout.getvalue()
    assert f"wrote svs {out}" in text and "2048x2048" in text and "sha256" in text
    with tifffile.TiffFile(out) as tif:
        assert tif.is_svs
