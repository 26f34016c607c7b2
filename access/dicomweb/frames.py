"""Reading an indexed instance's frames, and rendering them as JPEG or PNG (WADO-RS rendered)."""

from __future__ import annotations

import io
import math
from collections.abc import Iterator

import numpy as np
from PIL import Image as PILImage

from access.dicomweb.files import stored_open
from access.models import DicomInstance
from access.services.dicomweb_index import frame_bytes, frame_ranges_unpack

RENDER_MAX_PIXELS = 64 * 1024 * 1024  # a rendered instance larger than this is refused: ask for frames
TOTAL_COLUMNS, TOTAL_ROWS = "00480006", "00480007"


class TooLarge(ValueError):
    pass


def frames_read(instance: DicomInstance, numbers: list[int]) -> Iterator[bytes]:
    """The stored bytes of frames `numbers` (1-based, each in range), one ranged read each."""
    ranges = frame_ranges_unpack(instance.frame_ranges)
    encapsulated = instance.transfer_syntax_uid not in ("1.2.840.10008.1.2", "1.2.840.10008.1.2.1",
                                                       "1.2.840.10008.1.2.2")
    with stored_open(instance.image_file.storage_name) as handle:
        for number in numbers:
            start, end = (int(v) for v in ranges[number - 1])
            handle.seek(start)
            yield frame_bytes(handle.read(end - start), encapsulated=encapsulated)


def _value(instance: DicomInstance, tag: str, default=None):
    values = (instance.metadata.get(tag) or {}).get("Value") or []
    return values[0] if values else default


def frame_image(instance: DicomInstance, data: bytes) -> PILImage.Image:
    """One frame decoded: compressed frames by Pillow, native ones from the header's layout."""
    if instance.transfer_syntax_uid in ("1.2.840.10008.1.2", "1.2.840.10008.1.2.1"):
        samples = int(_value(instance, "00280002", 1))
        bits = int(_value(instance, "00280100", 8))
        if bits != 8:
            raise TooLarge("only 8-bit native frames can be rendered")
        pixels = np.frombuffer(data, dtype=np.uint8).reshape(instance.rows, instance.columns, samples)
        return PILImage.fromarray(pixels[:, :, 0] if samples == 1 else pixels)
    image = PILImage.open(io.BytesIO(data))
    image.load()
    return image.convert("RGB") if image.mode not in ("RGB", "L") else image


def instance_image(instance: DicomInstance) -> PILImage.Image:
    """The whole instance as one image: its one frame, or its TILED_FULL frames put together."""
    width = int(_value(instance, TOTAL_COLUMNS, instance.columns))
    height = int(_value(instance, TOTAL_ROWS, instance.rows))
    if width * height > RENDER_MAX_PIXELS:
        raise TooLarge(f"this instance is {width} x {height} pixels; read its frames instead")
    across = math.ceil(width / instance.columns)
    down = math.ceil(height / instance.rows)
    count = min(instance.number_of_frames, across * down)  # the first focal plane and optical path
    canvas = None
    for index, data in enumerate(frames_read(instance, list(range(1, count + 1)))):
        tile = frame_image(instance, data)
        if canvas is None:
            canvas = PILImage.new(tile.mode, (width, height), "white" if tile.mode == "RGB" else 255)
        canvas.paste(tile, ((index % across) * instance.columns, (index // across) * instance.rows))
    return canvas


def encoded(image: PILImage.Image, media_type: str, *, size: int | None = None) -> bytes:
    """`image` as JPEG or PNG, shrunk to fit `size` x `size` when given."""
    if size:
        image = image.copy()
        image.thumbnail((size, size))
    out = io.BytesIO()
    if media_type == "image/png":
        image.save(out, format="PNG")
    else:
        image.save(out, format="JPEG", quality=90)
    return out.getvalue()
