"""Synthetic slides for the slide library's tests: small (2048 x 1536), written once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from repository.synthetic import write_ome_tiff, write_svs
from repository.synthetic.tiff import write_tiled_tiff

SIZE = {"width": 2048, "height": 1536}


@pytest.fixture(scope="session")
def slides_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("slides")


@pytest.fixture(scope="session")
def svs(slides_dir):
    return write_svs(slides_dir / "slide.svs", seed=11, **SIZE)


@pytest.fixture(scope="session")
def ome(slides_dir):
    return write_ome_tiff(slides_dir / "slide.ome.tiff", seed=12, **SIZE)


@pytest.fixture(scope="session")
def tiled_tiff(slides_dir):
    return write_tiled_tiff(slides_dir / "slide.tif", seed=13, **SIZE)


@pytest.fixture(scope="session")
def dicom(slides_dir):
    from repository.synthetic import write_dicom_wsi

    return write_dicom_wsi(slides_dir / "dicom", seed=14, **SIZE)


@pytest.fixture(scope="session")
def converted_svs(svs, slides_dir):
    from ingestion.slides.convert import convert
    from ingestion.slides.identify import identify

    return convert(svs.path, slides_dir / "svs-dicom", fmt=identify(svs.path, name="slide.svs"))
