"""Associated images of a synthetic slide: the label and the macro photo.

Real scanners store a photo of the slide label (patient name, accession
barcode) and a macro overview of the whole glass slide, label included.
Both are protected health information, so these images deliberately carry
the fake patient name and barcode as visible text: de-identification code
can then be tested for actually blanking them.

Pillow's built-in font is used (no font files needed); the 2-D "barcode" is
a DataMatrix-looking pattern derived from the barcode text, not a decodable
symbol.
"""

from __future__ import annotations

import hashlib

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from .tissue import Box, TissueModel

# Typical Aperio sizes: label ~ 415x420 px, macro ~ 1280x430 px (a 75x25 mm
# slide photographed at ~17 px/mm).
LABEL_SIZE = (416, 416)
MACRO_SIZE = (1280, 432)
_PAPER = (250, 250, 246)
_INK = (18, 18, 24)
_GLASS = (226, 228, 226)
_BACKDROP = (38, 38, 40)


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


def _matrix_code(text: str, cells: int = 14) -> np.ndarray:
    """A deterministic DataMatrix-like bit pattern for `text` (bool array)."""
    bits = np.unpackbits(np.frombuffer(hashlib.sha256(text.encode()).digest() * 2, dtype=np.uint8))
    grid = bits[: cells * cells].reshape(cells, cells).astype(bool)
    # The "finder" pattern: solid left and bottom edges, dashed top and right.
    grid[:, 0] = True
    grid[-1, :] = True
    grid[0, :] = np.arange(cells) % 2 == 0
    grid[:, -1] = np.arange(cells) % 2 == 1
    return grid


def render_label(patient_name: str, barcode: str, *, size: tuple[int, int] = LABEL_SIZE) -> np.ndarray:
    """The slide label as RGB uint8: patient name, barcode text and symbol."""
    width, height = size
    image = Image.new("RGB", size, _PAPER)
    draw = ImageDraw.Draw(image)
    draw.rectangle((3, 3, width - 4, height - 4), outline=(150, 150, 150), width=2)
    margin = max(8, width // 26)

    # Matrix code in the top-left corner.
    code = _matrix_code(barcode)
    module = max(3, (width // 3) // code.shape[0])
    for row, col in zip(*np.nonzero(code), strict=True):
        x = margin + int(col) * module
        y = margin + int(row) * module
        draw.rectangle((x, y, x + module - 1, y + module - 1), fill=_INK)
    code_right = margin + code.shape[1] * module

    # Lab header beside the code.
    small = _font(max(12, height // 22))
    draw.text((code_right + margin, margin), "SYNTHETIC PATH LAB", fill=_INK, font=small)
    draw.text(
        (code_right + margin, margin + height // 14), "H&E", fill=_INK, font=_font(max(14, height // 12))
    )

    # Barcode and patient name in large type: what de-identification must hide.
    y = margin + code.shape[0] * module + margin
    big = _font(max(14, height // 11))
    for line, font in ((barcode, big), (patient_name.replace("^", " "), big), (patient_name, small)):
        draw.text((margin, y), line, fill=_INK, font=font)
        bbox = draw.textbbox((margin, y), line, font=font)
        y = bbox[3] + margin // 2
    return np.asarray(image, dtype=np.uint8)


def render_macro(
    model: TissueModel, label: np.ndarray, *, size: tuple[int, int] = MACRO_SIZE
) -> tuple[np.ndarray, Box]:
    """A photo-like overview of the glass slide with the label on its left.

    Returns the RGB image and where the label sits in it (macro pixels), so
    tests can check that a de-identifier blanks exactly that area.
    """
    width, height = size
    image = Image.new("RGB", size, _BACKDROP)
    draw = ImageDraw.Draw(image)
    inset = max(4, height // 40)
    draw.rectangle((inset, inset, width - 1 - inset, height - 1 - inset), fill=_GLASS)

    # Label: the left third of the slide, as on a real 75 x 25 mm slide.
    label_h = height - 4 * inset
    label_w = min(width // 3, round(label_h * label.shape[1] / label.shape[0]))
    label_image = Image.fromarray(label).resize((label_w, label_h), Image.Resampling.LANCZOS)
    label_box = Box(2 * inset, 2 * inset, label_w, label_h)
    image.paste(label_image, (label_box.x, label_box.y))

    # Tissue: the slide's own thumbnail, fitted into the remaining glass.
    area_x0 = label_box.x1 + 4 * inset
    area_w = width - area_x0 - 4 * inset
    area_h = height - 8 * inset
    scale = min(area_w / model.width, area_h / model.height)
    tw = max(1, round(model.width * scale))
    th = max(1, round(model.height * scale))
    tissue = model.tile(model.width / tw, 0, 0, tw, th)
    # Multiply onto the glass colour, like light through a stained section.
    glass = np.array(_GLASS, dtype=np.float32) / 255.0
    tinted = (tissue.astype(np.float32) * glass).round().astype(np.uint8)
    image.paste(Image.fromarray(tinted), (area_x0 + (area_w - tw) // 2, 4 * inset + (area_h - th) // 2))
    return np.asarray(image, dtype=np.uint8), label_box
