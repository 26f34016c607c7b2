"""Scanner file to DICOM WSI with wsidicomizer, and an honest account of what the conversion lost.

`convert(source, out_dir, fmt=identify(...))` reads through opentile when `identify` chose it, so
the scanner's JPEG tiles are copied into the DICOM frames unchanged; through OpenSlide otherwise
(MRXS, generic TIFF), which decodes and re-encodes every tile as JPEG. "Lossless" is then checked,
not assumed: the output's base-level and smallest-level frames must be byte-identical to the
source's tiles (a pass-through), or the output's transfer syntax must be a lossless one.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pydicom
from opentile import OpenTile
from pydicom import uid
from wsidicom import WsiDicom
from wsidicom.metadata import WsiMetadata
from wsidicomizer import WsiDicomizer
from wsidicomizer.extras.openslide import OpenSlideSource
from wsidicomizer.sources import OpenTileSource

from bigpicture.errors import PermanentError

from .identify import SlideFormat

LOSSLESS_SYNTAXES = frozenset({
    uid.ExplicitVRLittleEndian, uid.ImplicitVRLittleEndian, uid.JPEGLossless, uid.JPEGLosslessSV1,
    uid.JPEGLSLossless, uid.JPEG2000Lossless, uid.HTJ2KLossless, uid.HTJ2KLosslessRPCL, uid.RLELossless,
})
_SOURCES = {"opentile": OpenTileSource, "openslide": OpenSlideSource}
# Tiles converted per chunk and threads: with pass-through each tile is a few tens of KB, so
# memory stays well under 200 MB whatever the slide size (see the report in the README).
CHUNK_TILES = 32
DEFAULT_WORKERS = 2


@dataclass(frozen=True)
class Conversion:
    """What `convert` wrote.

    `lossless`: no pixel changed in the conversion (tiles passed through, or a lossless syntax).
    `lossy_ratio`: when not lossless, the encoder's compression ratio of the base level as the
    output records it in LossyImageCompressionRatio (uncompressed / compressed, e.g. 12.5 for 12.5:1).
    """

    instances: list[Path]
    lossless: bool
    lossy_ratio: float | None
    transfer_syntax: str
    source_reader: str
    seconds: float


def convert(
    source: Path,
    out_dir: Path,
    *,
    fmt: SlideFormat,
    metadata: WsiMetadata | None = None,
    uid_generator: Callable[[], uid.UID] | None = None,
    post_processor: Callable | None = None,
    include_label: bool = True,
    include_overview: bool = True,
    include_confidential: bool = True,
    workers: int | None = None,
    name: str | None = None,
) -> Conversion:
    """Convert the scanner file (or MRXS folder) at `source` into DICOM instances in `out_dir`.

    `out_dir` is created if missing and must be empty; on failure what was written stays there for the
    caller to delete. `post_processor` is wsidicomizer's `metadata_post_processor` (de-identification).
    """
    name = name or source.name
    if fmt.reader not in _SOURCES:
        raise ValueError(f"{name} is {fmt.label}; it needs no conversion")
    if source.is_dir():
        source = next(iter(sorted(source.glob("*.mrxs"))), source)
    out_dir.mkdir(parents=True, exist_ok=True)
    if any(out_dir.iterdir()):
        raise ValueError(f"{out_dir} is not empty")
    started = time.monotonic()
    try:
        created = WsiDicomizer.convert(
            source, output_path=out_dir, metadata=metadata, uid_generator=uid_generator,
            metadata_post_processor=post_processor, include_label=include_label,
            include_overview=include_overview, include_confidential=include_confidential, workers=workers or DEFAULT_WORKERS, chunk_size=CHUNK_TILES,
            preferred_source=_SOURCES[fmt.reader],
        )
    except Exception as error:  # the readers fail on damaged scans with many exception types
        raise PermanentError(f"{name} ({fmt.label}) could not be converted to DICOM: "
                             f"{type(error).__name__}: {error}") from None
    seconds = time.monotonic() - started
    instances = sorted(Path(p) for p in created)
    syntax, ratio = _base_encoding(instances)
    passed_through = fmt.reader == "opentile" and _tiles_identical(source, instances)
    lossless = passed_through or syntax in LOSSLESS_SYNTAXES
    return Conversion(instances=instances, lossless=lossless, lossy_ratio=None if lossless else ratio,
                      transfer_syntax=str(syntax), source_reader=fmt.reader, seconds=round(seconds, 3))


def _base_encoding(instances: list[Path]) -> tuple[uid.UID, float | None]:
    """Transfer syntax and recorded lossy ratio of the base level (the largest VOLUME instance)."""
    best, best_area = None, -1
    for path in instances:
        header = pydicom.dcmread(path, stop_before_pixels=True)
        image_type = list(header.get("ImageType", []))
        if len(image_type) > 2 and image_type[2] == "VOLUME":
            area = int(header.TotalPixelMatrixColumns) * int(header.TotalPixelMatrixRows)
            if area > best_area:
                best, best_area = header, area
    if best is None:
        raise PermanentError("the conversion wrote no VOLUME instance")
    ratios = best.get("LossyImageCompressionRatio")
    ratio = None
    if ratios is not None:
        values = ratios if isinstance(ratios, pydicom.multival.MultiValue) else [ratios]
        ratio = float(values[-1]) if values else None
    return best.file_meta.TransferSyntaxUID, ratio


def _tiles_identical(source: Path, instances: list[Path]) -> bool:
    """True when the first and last tiles of the base and smallest levels are the source's bytes."""
    with OpenTile.open(source) as tiler, WsiDicom.open(instances) as wsi:
        levels = list(wsi.levels)
        if len(levels) != len(tiler.levels):
            return False
        for index in {0, len(levels) - 1}:
            level, image = levels[index], tiler.levels[index]
            if (level.size.width, level.size.height) != (image.image_size.width, image.image_size.height):
                return False
            across, down = image.tiled_size.width, image.tiled_size.height
            for x, y in {(0, 0), (across - 1, down - 1)}:
                frame = wsi.read_encoded_tile(level.level, (x, y), crop_to_image_boundary=False)
                if not _same_frame(frame, image.get_tile((x, y))):
                    return False
    return True


def _same_frame(frame: bytes, tile: bytes) -> bool:
    """DICOM pads an odd-length frame with one byte; otherwise the bytes must be the same."""
    return frame[:len(tile)] == tile and len(frame) - len(tile) in (0, 1)
