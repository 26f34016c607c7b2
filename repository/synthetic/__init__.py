"""Deterministic synthetic whole-slide images for tests, demos and benchmarks.

Everything is generated procedurally from a seed, tile by tile, so slides of
any size (2k to 100k pixels a side) are written in constant memory and the
same arguments always give the same pixels (and, for SVS and OME-TIFF, the
same bytes).

    from repository.synthetic import write_svs
    info = write_svs(tmp_path / "slide.svs", width=4096, height=3072, seed=7)
    info.blurred_regions  # boxes a focus-QC check should flag

Modules: `tissue` (the H&E-like pixel model, a package), `associated` (label, macro),
`svs`, `ome`, `dicom` (writers), `tiling` (pyramid and tile stream), `info`
(`SlideInfo`).  The DICOM writer imports wsidicomizer, so it is loaded lazily.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .info import SlideInfo
from .ome import write_ome_tiff
from .svs import write_svs
from .tissue import Box, TissueModel

if TYPE_CHECKING:
    from .dicom import write_dicom_wsi

__all__ = ["Box", "SlideInfo", "TissueModel", "write_dicom_wsi", "write_ome_tiff", "write_svs"]


def __getattr__(name: str) -> Any:
    # wsidicomizer pulls in a lot (opentile, tiffslide, czifile); only pay for
    # it when a DICOM slide is actually wanted.
    if name == "write_dicom_wsi":
        from .dicom import write_dicom_wsi

        return write_dicom_wsi
    raise AttributeError(name)
