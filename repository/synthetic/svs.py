"""Aperio SVS writer for synthetic slides.

The layout follows real Aperio files, as tifffile, OpenSlide and opentile
expect them:

1. page 0: the base level, tiled, JPEG; ImageDescription starts with
   ``Aperio Image Library`` and carries ``key = value`` pairs separated by
   ``|`` (MPP, AppMag, Date, ...);
2. page 1: the thumbnail, stripped (one strip) JPEG;
3. further pyramid levels, tiled JPEG, each 4x smaller (SubfileType 0: the
   SVS readers take every tiled page as a level);
4. the label, stripped LZW, SubfileType 1 (reduced), description line 2
   ``label WxH``;
5. the macro, stripped JPEG, SubfileType 9 (reduced | macro), description
   line 2 ``macro WxH``.

OpenSlide names associated images from the first word of the description's
second line, tifffile from SubfileType; both agree with the above.

Output is byte-for-byte deterministic for the same arguments: descriptions
carry fixed, seed-derived dates and no TIFF DateTime or Software tags are
written.  PHI-like fields are included on purpose for de-identification
tests: the label and macro images show the patient name and barcode, and
the description's ``Filename``, ``Date``, ``Time`` and ``User`` fields look
like a real scan's.
"""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path

import numpy as np
import tifffile

from .associated import render_label, render_macro
from .info import SlideInfo
from .tiling import encoded_tiles, pyramid_levels
from .tissue import TissueModel, mix_key

# An ImageScope 12 era header; the trailing space before CRLF is genuine.
APERIO_HEADER = "Aperio Image Library v12.0.15 "
_THUMBNAIL_MAX = 1024  # like Aperio; never larger than the first reduced level
_LEVEL_FACTOR = 4
# Switch to BigTIFF where 32-bit offsets could overflow: JPEG at quality 85
# stays well under 1/4 of raw size, so 4 GiB raw leaves a wide margin.
_BIGTIFF_RAW_BYTES = 4 * 2**30


def _format_number(value: float) -> str:
    """'0.25' rather than '0.2500' for round values; up to 4 decimals."""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.4f}".rstrip("0").rstrip(".")


def aperio_properties(*, width: int, height: int, mpp: float, app_mag: float, seed: int, barcode: str) -> str:
    """The ``|key = value`` tail shared by the base, level and thumbnail pages.

    MPP and AppMag come first so the essential pair reads ``|MPP = ..|AppMag
    = ..``; the remaining keys are those of a typical ScanScope scan.
    """
    key = mix_key(seed, 0x5A5)
    scan_date = dt.date(2024, 1, 1) + dt.timedelta(days=key % 365)
    seconds = (key >> 9) % 86400
    user = uuid.UUID(
        int=(mix_key(key, 1) << 96) | (mix_key(key, 2) << 64) | (mix_key(key, 3) << 32) | mix_key(key, 4)
    )
    fields = [
        ("MPP", _format_number(mpp)),
        ("AppMag", _format_number(app_mag)),
        ("StripeWidth", "2040"),
        ("ScanScope ID", f"SS{1000 + key % 9000}"),
        ("Filename", barcode),
        ("Date", scan_date.strftime("%m/%d/%y")),
        ("Time", f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"),
        ("Time Zone", "GMT+0100"),
        ("User", str(user)),
        ("Left", "25.000000"),
        ("Top", "20.000000"),
        ("LineCameraSkew", "0.000000"),
        ("LineAreaXOffset", "0.000000"),
        ("LineAreaYOffset", "0.000000"),
        ("Focus Offset", "0.000000"),
        ("ImageID", str(100000 + key % 900000)),
        ("OriginalWidth", str(width)),
        ("OriginalHeight", str(height)),
        ("Filtered", "5"),
    ]
    return "".join(f"|{name} = {value}" for name, value in fields)


def write_svs(
    path: str | Path,
    *,
    width: int,
    height: int,
    tile_size: int = 256,
    mpp: float = 0.25,
    app_mag: float = 40,
    seed: int = 0,
    patient_name: str = "DOE^JANE",
    barcode: str = "BP-SYN-000001",
    quality: int = 85,
    workers: int | None = None,
) -> SlideInfo:
    """Write a synthetic Aperio SVS slide to `path` and describe it.

    Memory use is independent of the slide size: tiles are painted and
    compressed one by one as tifffile writes them.  `workers` > 1 paints in
    that many processes (for big slides; the default paints in-process); the
    output does not depend on it.
    """
    path = Path(path)
    if tile_size % 16:
        # JPEG with 4:2:0 subsampling needs tiles in whole 16 px MCUs.
        raise ValueError("tile_size must be a multiple of 16")
    model = TissueModel(seed, width, height, mpp=mpp)
    levels = pyramid_levels(width, height, tile_size, _LEVEL_FACTOR)
    props = aperio_properties(
        width=width, height=height, mpp=mpp, app_mag=app_mag, seed=seed, barcode=barcode
    )
    geometry = f"{width}x{height} [0,0 {width}x{height}] ({tile_size}x{tile_size})"
    compression = f"JPEG/RGB Q={quality}"

    label = render_label(patient_name, barcode)
    macro, label_box = render_macro(model, label)
    thumbnail = model.thumbnail(max(1, min(_THUMBNAIL_MAX, max(width, height) // _LEVEL_FACTOR)))
    bigtiff = width * height * 3 > _BIGTIFF_RAW_BYTES
    # Keep tifffile from adding its own tags; they would carry no information
    # and real Aperio files do not have them.
    common = {"photometric": "rgb", "software": False, "metadata": None, "datetime": None}

    with tifffile.TiffWriter(path, bigtiff=bigtiff) as tif:
        for index, (downsample, level_w, level_h) in enumerate(levels):
            if index == 0:
                description = f"{APERIO_HEADER}\r\n{geometry} {compression}{props}"
            else:
                description = f"{APERIO_HEADER}\r\n{geometry} -> {level_w}x{level_h} {compression}{props}"
            tif.write(
                encoded_tiles(model, downsample, level_w, level_h, tile_size, quality, workers),
                shape=(level_h, level_w, 3),
                dtype=np.uint8,
                tile=(tile_size, tile_size),
                compression="jpeg",
                description=description,
                resolution=(1e4 / (mpp * downsample), 1e4 / (mpp * downsample)),
                resolutionunit="CENTIMETER",
                **common,
            )
            if index == 0:
                th, tw = thumbnail.shape[:2]
                tif.write(
                    thumbnail,
                    compression="jpeg",
                    compressionargs={"level": 90},
                    rowsperstrip=th,
                    description=f"{APERIO_HEADER}\r\n{width}x{height} -> {tw}x{th} - {props}",
                    **common,
                )
        tif.write(
            label,
            compression="lzw",
            rowsperstrip=label.shape[0],
            subfiletype=1,
            description=f"{APERIO_HEADER}\r\nlabel {label.shape[1]}x{label.shape[0]}",
            **common,
        )
        tif.write(
            macro,
            compression="jpeg",
            compressionargs={"level": 90},
            rowsperstrip=macro.shape[0],
            subfiletype=9,
            description=f"{APERIO_HEADER}\r\nmacro {macro.shape[1]}x{macro.shape[0]}",
            **common,
        )

    return SlideInfo.of_tiff(
        path,
        format="svs",
        model=model,
        levels=levels,
        mpp=mpp,
        tile_size=tile_size,
        seed=seed,
        patient_name=patient_name,
        barcode=barcode,
        app_mag=app_mag,
        macro_label_box=label_box,
    )
