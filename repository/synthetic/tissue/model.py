"""`TissueModel`: the slide as a pure function of (seed, global pixel coordinate, downsample).

It lays out tissue, holes and the planted QC boxes, renders eosin density,
texture and nuclei from the noise fields, and mixes colour with the
Beer-Lambert law (see the package docstring for the whole picture).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .hashing import mix_key, unit_hash
from .noise import Grid, Octaves
from .nuclei import NucleusPopulation

# Optical density vectors (R, G, B) for haematoxylin and eosin.  These are
# typical Macenko-estimated vectors of real H&E scans; the plain Ruifrok ones
# give a too-magenta eosin.
_HAEMATOXYLIN = np.array([0.5626, 0.7201, 0.4062], dtype=np.float32)
_EOSIN = np.array([0.2159, 0.8012, 0.5581], dtype=np.float32)
# Optical density of bare glass: slightly bluish-white, as in real scans.
_GLASS = np.array([0.035, 0.040, 0.028], dtype=np.float32)
# The same as 8-bit RGB, rounded exactly like the stain mixing in `tile`.
_GLASS_RGB = (np.exp(-_GLASS) * np.float32(255.0) + np.float32(0.5)).astype(np.uint8)

# Feature sizes in base pixels at the reference resolution of 0.25 um/px.
_REFERENCE_MPP = 0.25
# Blur radius (base pixels at reference resolution) inside blurred regions.
_BLUR_PX = 8.0
# Windows larger than this many pixels are painted in bands of rows.
_MAX_BAND_PIXELS = 1 << 18


@dataclass(frozen=True)
class Box:
    """An axis-aligned rectangle in base-level pixels (x, y is the top-left)."""

    x: int
    y: int
    width: int
    height: int

    @property
    def x1(self) -> int:
        return self.x + self.width

    @property
    def y1(self) -> int:
        return self.y + self.height

    def scaled(self, downsample: float) -> Box:
        """The box in the pixel grid of a level with the given downsample."""
        x = int(math.ceil(self.x / downsample))
        y = int(math.ceil(self.y / downsample))
        return Box(x, y, int(self.x1 // downsample) - x, int(self.y1 // downsample) - y)

    def inset(self, margin: int) -> Box:
        return Box(self.x + margin, self.y + margin, self.width - 2 * margin, self.height - 2 * margin)

    def as_tuple(self) -> tuple[int, int, int, int]:
        return (self.x, self.y, self.width, self.height)


class TissueModel:
    """Deterministic synthetic H&E slide of `width` x `height` base pixels.

    `tile(downsample, x0, y0, w, h)` returns the RGB pixels of a window whose
    top-left corner is (x0, y0) in the pixel grid of a level with the given
    downsample (level pixel (i, j) covers base pixels [i*ds, (i+1)*ds)).
    Pixels beyond the slide edge are still defined (the pattern continues),
    which lets writers fill whole edge tiles.

    `mpp` sets the physical scale: nuclei and other structures keep their
    size in micrometres, so a 0.5 um/px slide has nuclei half as many pixels
    wide as a 0.25 um/px one.
    """

    def __init__(self, seed: int, width: int, height: int, *, mpp: float = _REFERENCE_MPP) -> None:
        if width <= 0 or height <= 0:
            raise ValueError("width and height must be positive")
        if mpp <= 0:
            raise ValueError("mpp must be positive")
        self.seed = int(seed)
        self.width = int(width)
        self.height = int(height)
        self.mpp = float(mpp)
        s = _REFERENCE_MPP / self.mpp
        self.blur_sigma = _BLUR_PX * s
        key = mix_key(self.seed, 0x5EED)
        short = min(self.width, self.height)

        largest = float(np.clip(short / 3.0, 512.0 * s, 16384.0 * s))
        self._tissue = Octaves.make(mix_key(key, 1), largest, 48.0 * s, gain=0.55)
        # Nominal gradient of the tissue field (field units per base px),
        # used to turn a wanted edge width in pixels into field units.
        self._tissue_gradient = 1.0 / largest
        self._holes = Octaves.make(mix_key(key, 2), 768.0 * s, 64.0 * s, gain=0.5)
        self._holes_gradient = 1.0 / (768.0 * s)
        self._eosin = Octaves.make(mix_key(key, 3), 1024.0 * s, 24.0 * s, gain=0.6)
        self._texture = Octaves.make(mix_key(key, 4), 12.0 * s, 3.0 * s, gain=0.7)

        def cells(*sizes: float) -> tuple[int, ...]:
            return tuple(max(4, round(size * s)) for size in sizes)

        self._nuclei = (
            # Small, round, dark: lymphocytes; clustered.
            NucleusPopulation(
                key=mix_key(key, 5),
                cells=cells(58, 67, 79),
                radius=(9.0 * s, 12.5 * s),
                elongation=(1.0, 1.25),
                rotate=False,
                stain=1.45,
                density=Octaves.make(mix_key(key, 6), 2048.0 * s, 128.0 * s),
                density_bias=0.35,
                density_gain=3.0,
                margin=7.0 * s,
            ),
            # Larger, paler ovals at random angles: stromal/epithelial nuclei.
            NucleusPopulation(
                key=mix_key(key, 7),
                cells=cells(83, 101),
                radius=(10.0 * s, 14.0 * s),
                elongation=(1.3, 2.4),
                rotate=True,
                stain=1.0,
                density=Octaves.make(mix_key(key, 8), 1024.0 * s, 128.0 * s),
                density_bias=0.45,
                density_gain=2.0,
                margin=7.0 * s,
            ),
        )
        self.blank_regions, self.blurred_regions, self.tissue_regions = self._plant_regions(key)

    # -- layout -------------------------------------------------------------

    def _plant_regions(self, key: int) -> tuple[tuple[Box, ...], tuple[Box, ...], tuple[Box, ...]]:
        """Place the QC boxes in cells of a 3x3 grid over the slide's middle.

        The four corner cells and the centre cell do not share an edge, so
        boxes drawn from them keep some distance from each other.
        """
        w, h = self.width, self.height
        side = int(np.clip(min(w, h) / 8.0, 64, 4096))
        self._side = side
        x_lo, x_hi = 0.12 * w, 0.88 * w
        y_lo, y_hi = 0.12 * h, 0.88 * h
        cell_w = (x_hi - x_lo) / 3.0
        cell_h = (y_hi - y_lo) / 3.0
        order = sorted((0, 2, 4, 6, 8), key=lambda i: mix_key(key, 100, i))
        boxes: list[Box] = []
        for n, cell in enumerate(order[:4]):
            col, row = cell % 3, cell // 3
            slack_x = max(cell_w - side, 0.0)
            slack_y = max(cell_h - side, 0.0)
            x = x_lo + col * cell_w + slack_x * (0.25 + 0.5 * unit_hash(key, 200, n))
            y = y_lo + row * cell_h + slack_y * (0.25 + 0.5 * unit_hash(key, 300, n))
            boxes.append(Box(int(x), int(y), min(side, w), min(side, h)))
        return (boxes[0],), (boxes[1], boxes[2]), (boxes[3],)

    @staticmethod
    def _box_influence(
        boxes: Sequence[Box], ramp: float, xs: np.ndarray, ys: np.ndarray
    ) -> np.ndarray | None:
        """1 inside any box, smoothly falling to 0 at `ramp` px outside it.

        Returns None when no box is near, so most tiles skip the work.
        """
        out: np.ndarray | None = None
        for box in boxes:
            if (
                xs[-1] < box.x - ramp
                or xs[0] > box.x1 + ramp
                or ys[-1] < box.y - ramp
                or ys[0] > box.y1 + ramp
            ):
                continue
            dx = np.maximum(np.maximum(box.x - xs, xs - box.x1), 0.0).astype(np.float32)
            dy = np.maximum(np.maximum(box.y - ys, ys - box.y1), 0.0).astype(np.float32)
            dist = np.sqrt(dy[:, None] ** 2 + dx[None, :] ** 2) / np.float32(ramp)
            t = np.clip(1.0 - dist, 0.0, 1.0)
            value = t * t * (3.0 - 2.0 * t)
            out = value if out is None else np.maximum(out, value)
        return out

    def _envelope(self, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
        """Elliptical bias: tissue towards the middle, bare glass at the rim."""
        ex = ((xs - self.width / 2.0) / (0.5 * self.width)) ** 2
        ey = ((ys - self.height / 2.0) / (0.5 * self.height)) ** 2
        return (1.0 - ey[:, None] - ex[None, :]).astype(np.float32)

    # -- rendering ----------------------------------------------------------

    def tile(self, level_downsample: float, x0: int, y0: int, w: int, h: int) -> np.ndarray:
        """RGB uint8 array (h, w, 3) of a window of the level with `level_downsample`."""
        if w <= 0 or h <= 0:
            raise ValueError("tile size must be positive")
        if level_downsample <= 0:
            raise ValueError("downsample must be positive")
        if w * h > _MAX_BAND_PIXELS and h > 1:
            # Paint big windows (thumbnails) in bands of rows: the painter
            # keeps ~20 float arrays of the window's size alive, and bands
            # give the very same pixels since everything is global.
            rows = max(1, _MAX_BAND_PIXELS // w)
            return np.concatenate(
                [
                    self._paint(level_downsample, x0, y, w, min(rows, y0 + h - y))
                    for y in range(y0, y0 + h, rows)
                ]
            )
        return self._paint(level_downsample, x0, y0, w, h)

    def _paint(self, level_downsample: float, x0: int, y0: int, w: int, h: int) -> np.ndarray:
        grid = Grid(level_downsample, int(x0), int(y0), int(w), int(h))
        ds = grid.downsample
        cxs, cys = grid.coarse_xs, grid.coarse_ys
        side = float(self._side)

        # Large-scale layout, on the coarse grid: envelope, then the planted
        # boxes.  Tissue/blur boxes add tissue with a wide ramp (so the
        # outline around them stays irregular); blank boxes remove it but
        # never inside a tissue box's core, so both guarantees hold.
        bias = 0.45 * self._envelope(cxs, cys) - 0.17
        planted = (*self.blurred_regions, *self.tissue_regions)
        tissue_boost = self._box_influence(planted, side, cxs, cys)
        core = self._box_influence(planted, 0.1 * side, cxs, cys)
        if tissue_boost is not None:
            bias += 0.8 * tissue_boost
        blank = self._box_influence(self.blank_regions, 0.75 * side, cxs, cys)
        if blank is not None:
            bias -= 2.0 * blank * (1.0 - core if core is not None else 1.0)
        blur = self._box_influence(self.blurred_regions, 0.25 * side, cxs, cys)
        # Pixel footprint in base px: the band limit. Blurred regions widen it.
        footprint: np.ndarray | None = None
        if blur is not None:
            footprint = np.maximum(grid.upsample(blur) * np.float32(self.blur_sigma), np.float32(ds))
        width_px = np.float32(max(3.0, 1.5 * ds)) if footprint is None else np.maximum(3.0, 1.5 * footprint)

        field = self._tissue.render(grid, extra_coarse=bias)
        edge = width_px * np.float32(self._tissue_gradient)
        alpha = np.clip(field / (2.0 * edge) + 0.5, 0.0, 1.0)
        # Holes (lumina, fat) punched into the tissue, kept out of the boxes.
        holes = self._holes.render(grid)
        if core is not None:
            holes -= grid.upsample(core)
        hole_edge = width_px * np.float32(self._holes_gradient)
        alpha *= np.clip((0.19 - holes) / (2.0 * hole_edge) + 0.5, 0.0, 1.0)
        if not alpha.any():
            # Bare glass (often half a slide): skip stain and nuclei work.
            return np.broadcast_to(_GLASS_RGB, (grid.h, grid.w, 3)).copy()

        texture = self._texture.render(grid, footprint)
        eosin = self._eosin.render(grid, footprint)
        eosin *= np.float32(1.6)
        eosin += np.float32(0.8)
        eosin += texture * np.float32(0.35)
        np.maximum(eosin, 0.1, out=eosin)
        eosin *= alpha

        haem = self._render_nuclei(grid, footprint)
        haem *= np.float32(1.0) + texture * np.float32(1.2)  # chromatin grain
        haem += np.float32(0.05)
        np.maximum(haem, 0.0, out=haem)
        haem *= alpha

        # Beer-Lambert mixing per channel (2-D arrays are much faster than
        # broadcasting over a trailing axis of 3).
        channels = []
        for c in range(3):
            od = eosin * _EOSIN[c]
            od += haem * _HAEMATOXYLIN[c]
            od += _GLASS[c]
            np.negative(od, out=od)
            np.exp(od, out=od)
            od *= np.float32(255.0)
            od += np.float32(0.5)
            channels.append(od.astype(np.uint8))
        return np.stack(channels, axis=-1)

    def _render_nuclei(self, grid: Grid, footprint: np.ndarray | None) -> np.ndarray:
        ds = grid.downsample
        out = np.zeros((grid.h, grid.w), dtype=np.float32)
        for pop in self._nuclei:
            if pop.mean_radius / ds >= 1.5:
                # Edge ~ one pixel wide; in blurred regions 1.5x the blur, with
                # no step where the blur ramp ends (footprint == ds there).
                softness: np.ndarray | np.float32 = np.float32(ds)
                if footprint is not None:
                    softness = footprint * np.float32(1.5) - np.float32(0.5 * ds)
                mask = pop.render(grid, np.maximum(softness, np.float32(1.0)))
            else:
                # Nuclei of a pixel or two: render their expected coverage,
                # the average a downsampler would have produced.
                density = pop.density.render(grid)
                mask = pop.probability(density).astype(np.float32)
                mask *= np.float32(pop.coverage_per_probability * 0.8)
            mask *= np.float32(pop.stain)
            out += mask
        return out

    def thumbnail(self, max_size: int) -> np.ndarray:
        """The whole slide scaled to fit in `max_size` x `max_size`."""
        downsample = max(self.width, self.height) / float(max_size)
        w = max(1, round(self.width / downsample))
        h = max(1, round(self.height / downsample))
        return self.tile(downsample, 0, 0, w, h)

    def describe(self) -> dict[str, object]:
        """Plain-data summary of the planted regions (for SlideInfo/JSON)."""
        return {
            "blank_regions": [b.as_tuple() for b in self.blank_regions],
            "blurred_regions": [b.as_tuple() for b in self.blurred_regions],
            "tissue_regions": [b.as_tuple() for b in self.tissue_regions],
            "blur_sigma": self.blur_sigma,
        }
