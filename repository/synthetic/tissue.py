"""Procedural, tile-addressable H&E-like tissue.

`TissueModel` paints a whole slide as a pure function of (seed, global pixel
coordinate, downsample): any tile at any pyramid level can be produced on its
own, in constant memory, and neighbouring tiles join seamlessly because every
value is computed from global coordinates.

How the picture is made (numpy only, vectorised):

* Value noise: pseudo-random values on an integer lattice (a hash of the
  lattice coordinates and the seed, so nothing is stored), smoothly
  interpolated.  Because a tile's pixel centres form a rectilinear grid, the
  interpolation is separable and costs a few array operations per octave.
* A low-frequency noise field plus an elliptical envelope is thresholded into
  the tissue mask (tissue in the middle, bare glass towards the edges), with
  holes (lumina) punched by a second field.
* Eosin density comes from a mid-frequency field plus fine texture; nuclei are
  small dark ellipses on two jittered cell grids (dense small "lymphocytes"
  and sparser, larger oval "stromal" nuclei), their presence driven by density
  fields so there are crowded and sparse areas.
* Colour is mixed with the Beer-Lambert law from haematoxylin and eosin
  optical-density vectors, which is what makes it look like a scanned stain.
* Band limiting: when a pixel covers more base pixels (lower pyramid levels,
  the thumbnail) or lies in a blurred region, octaves finer than the pixel
  footprint are faded out and nuclei edges softened. Lower levels therefore
  look like a downsampled base level without ever reading it, and blurred
  regions are genuinely low in high-frequency content (what focus QC measures).

Some boxes are planted deterministically so QC tests can assert on them:
`blank_regions` (bare glass), `blurred_regions` (tissue, out of focus) and
`tissue_regions` (tissue, sharp).  All boxes are in base-level pixels.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

_M32 = 0xFFFFFFFF

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
# Coarse evaluation step (level pixels) for smooth fields; they are
# interpolated back to full resolution, which is exact enough for fields whose
# wavelength is >= 16 coarse steps and saves most of the per-octave cost.
_COARSE_STEP = 8
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


# --------------------------------------------------------------------------
# Hashing and noise primitives
# --------------------------------------------------------------------------


def _avalanche32(h: int) -> int:
    """Scalar 32-bit integer finaliser (the 'lowbias32' mix)."""
    h &= _M32
    h ^= h >> 16
    h = (h * 0x7FEB352D) & _M32
    h ^= h >> 15
    h = (h * 0x846CA68B) & _M32
    h ^= h >> 16
    return h


def mix_key(*values: int) -> int:
    """Combine integers into one well-mixed 32-bit key (stable across runs)."""
    h = 0x9E3779B9
    for value in values:
        h = _avalanche32(h ^ (value & _M32) ^ ((value >> 32) & _M32) * 0x85EBCA6B)
    return h


def unit_hash(*values: int) -> float:
    """A deterministic uniform number in [0, 1) from integers."""
    return mix_key(*values) / 2**32


def _hash_grid(ix: np.ndarray, iy: np.ndarray, key: int) -> np.ndarray:
    """Uniform [0, 1) float32 per lattice point, shape (len(iy), len(ix))."""
    # Multiply in int64 and mask: exact for any coordinate below 2**31.
    hx = ((ix.astype(np.int64) * 0x8DA6B343) & _M32).astype(np.uint32)
    hy = ((iy.astype(np.int64) * 0xD8163841) & _M32).astype(np.uint32)
    h = hy[:, None] ^ hx[None, :] ^ np.uint32(key)
    # Vectorised lowbias32; uint32 arithmetic wraps, which is what we want.
    h ^= h >> np.uint32(16)
    h *= np.uint32(0x7FEB352D)
    h ^= h >> np.uint32(15)
    h *= np.uint32(0x846CA68B)
    h ^= h >> np.uint32(16)
    return (h >> np.uint32(8)).astype(np.float32) * np.float32(1.0 / 2**24)


def _axis_weights(coords: np.ndarray, spacing: float) -> tuple[int, np.ndarray, np.ndarray]:
    """Lattice origin, per-coordinate lattice offset and smoothstep weight."""
    u = coords / spacing
    cell = np.floor(u)
    frac = u - cell
    weight = (frac * frac * (3.0 - 2.0 * frac)).astype(np.float32)
    cell = cell.astype(np.int64)
    origin = int(cell[0])  # coordinates are increasing
    return origin, cell - origin, weight


def _value_noise(xs: np.ndarray, ys: np.ndarray, spacing: float, key: int, amplitude: float) -> np.ndarray:
    """Smooth value noise in [-amplitude/2, amplitude/2] on the grid ys x xs."""
    ox, jx, wx = _axis_weights(xs, spacing)
    oy, jy, wy = _axis_weights(ys, spacing)
    nx = int(jx[-1]) + 2
    ny = int(jy[-1]) + 2
    lattice = _hash_grid(np.arange(ox, ox + nx), np.arange(oy, oy + ny), key)
    lattice -= np.float32(0.5)
    lattice *= np.float32(amplitude)
    # Interpolate along x on the few lattice rows, then along y at full size.
    # (Fancy indexing on axis 1 returns F-ordered arrays; the row gathers
    # below are several times faster from a C-ordered one.)
    left = lattice[:, jx]
    rows = np.ascontiguousarray(left + (lattice[:, jx + 1] - left) * wx)
    return _lerp_rows(rows, jy, wy)


def _lerp_rows(rows: np.ndarray, index: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """rows[index] + (rows[index + 1] - rows[index]) * weight[:, None].

    Written with explicit in-place steps: numpy's out-of-place
    `(a - b) * w[:, None]` takes a slow path here (~10x slower).
    """
    top = rows[index]
    step = rows[index + 1]
    step -= top
    step *= weight[:, None]
    top += step
    return top


def _octave_weight(ratio: np.ndarray | float) -> np.ndarray | float:
    """How much of an octave survives when its wavelength/footprint is `ratio`.

    Octaves at or below the pixel footprint are replaced by their mean (0) to
    avoid aliasing; above 2.5 footprints they are kept in full.
    """
    t = np.clip((np.asarray(ratio, dtype=np.float32) - 1.0) / 1.5, 0.0, 1.0)
    return t * t * (3.0 - 2.0 * t)


# --------------------------------------------------------------------------
# The sampling grid of one tile
# --------------------------------------------------------------------------


class _Grid:
    """Pixel centres of one tile in base coordinates, plus a coarse grid.

    The coarse grid is aligned to global multiples of `_COARSE_STEP` level
    pixels, so smooth fields interpolated from it are identical in every tile
    that shares a pixel: tiles stay seamless.
    """

    def __init__(self, downsample: float, x0: int, y0: int, w: int, h: int) -> None:
        self.downsample = float(downsample)
        self.w = w
        self.h = h
        px = np.arange(x0, x0 + w, dtype=np.float64)
        py = np.arange(y0, y0 + h, dtype=np.float64)
        self.xs = (px + 0.5) * self.downsample
        self.ys = (py + 0.5) * self.downsample
        k = _COARSE_STEP
        cx0 = (x0 // k) * k
        cy0 = (y0 // k) * k
        cx1 = -((-(x0 + w - 1)) // k) * k
        cy1 = -((-(y0 + h - 1)) // k) * k
        cpx = np.arange(cx0, max(cx1, cx0 + k) + 1, k, dtype=np.float64)
        cpy = np.arange(cy0, max(cy1, cy0 + k) + 1, k, dtype=np.float64)
        self.coarse_xs = (cpx + 0.5) * self.downsample
        self.coarse_ys = (cpy + 0.5) * self.downsample
        self._ix, self._fx = self._linear(px, cx0, len(cpx))
        self._iy, self._fy = self._linear(py, cy0, len(cpy))

    @staticmethod
    def _linear(p: np.ndarray, origin: int, n: int) -> tuple[np.ndarray, np.ndarray]:
        t = (p - origin) / _COARSE_STEP
        i = np.minimum(np.floor(t).astype(np.int64), n - 2)
        return i, (t - i).astype(np.float32)

    def upsample(self, coarse: np.ndarray) -> np.ndarray:
        """Bilinear interpolation of a coarse-grid field to the tile pixels."""
        left = coarse[:, self._ix]
        rows = np.ascontiguousarray(left + (coarse[:, self._ix + 1] - left) * self._fx)
        return _lerp_rows(rows, self._iy, self._fy)


@dataclass(frozen=True)
class _Octaves:
    """A fractal noise field: lattice spacings (base px) and amplitudes."""

    key: int
    spacings: tuple[float, ...]
    amplitudes: tuple[float, ...]

    @classmethod
    def make(cls, key: int, largest: float, smallest: float, gain: float = 0.5) -> _Octaves:
        spacings: list[float] = []
        amplitudes: list[float] = []
        spacing, amplitude = largest, 1.0
        while spacing >= smallest * 0.999:
            spacings.append(spacing)
            amplitudes.append(amplitude)
            spacing /= 2.0
            amplitude *= gain
        total = sum(amplitudes)
        return cls(key, tuple(spacings), tuple(a / total for a in amplitudes))

    def sample(self, xs: np.ndarray, ys: np.ndarray, footprint: float = 1.0) -> np.ndarray:
        """Evaluate on an arbitrary (small) rectilinear grid, band-limited."""
        out = np.zeros((len(ys), len(xs)), dtype=np.float32)
        for i, (spacing, amplitude) in enumerate(zip(self.spacings, self.amplitudes, strict=True)):
            weight = float(_octave_weight(spacing / footprint))
            if weight > 0.0:
                out += _value_noise(xs, ys, spacing, mix_key(self.key, i), amplitude * weight)
        return out

    def render(
        self, grid: _Grid, footprint: np.ndarray | None = None, extra_coarse: np.ndarray | None = None
    ) -> np.ndarray:
        """Evaluate on a tile.

        Octaves much coarser than a level pixel are summed on the coarse grid
        and interpolated once; the rest are evaluated per pixel.  `footprint`
        (base px per pixel, per-pixel array) widens the band limit locally,
        e.g. in blurred regions; `extra_coarse` is added before upsampling.
        """
        ds = grid.downsample
        max_fp = ds if footprint is None else max(ds, float(footprint.max()))
        coarse_limit = max(4.0 * _COARSE_STEP * ds, 2.5 * max_fp)
        coarse = extra_coarse.copy() if extra_coarse is not None else None
        fine: np.ndarray | None = None
        for i, (spacing, amplitude) in enumerate(zip(self.spacings, self.amplitudes, strict=True)):
            key = mix_key(self.key, i)
            if spacing >= coarse_limit:
                layer = _value_noise(grid.coarse_xs, grid.coarse_ys, spacing, key, amplitude)
                coarse = layer if coarse is None else coarse + layer
                continue
            scalar_weight = float(_octave_weight(spacing / ds))
            if scalar_weight <= 0.0:
                continue
            layer = _value_noise(grid.xs, grid.ys, spacing, key, amplitude * scalar_weight)
            if footprint is not None and spacing < 2.5 * max_fp:
                # Local band limit (blur); the global one is already applied.
                layer *= _octave_weight(spacing / np.maximum(footprint, ds)) / scalar_weight
            fine = layer if fine is None else fine + layer
        out = grid.upsample(coarse) if coarse is not None else np.zeros((grid.h, grid.w), np.float32)
        if fine is not None:
            out += fine
        return out


# --------------------------------------------------------------------------
# Nuclei
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class _NucleusPopulation:
    """Nuclei on jittered cell grids; at most one nucleus per cell and grid.

    Each nucleus is constrained to lie inside its cell (including its soft
    edge), so a pixel only has to look at its own cell; that keeps rendering
    to a handful of array operations.  A single jittered grid still looks
    like a lattice, so a population overlays several grids with mutually
    incommensurate cell sizes, which reads as random placement.
    """

    key: int
    cells: tuple[int, ...]  # cell sizes in base px, one grid each
    radius: tuple[float, float]  # base px, min/max
    elongation: tuple[float, float]  # major/minor axis ratio, min/max
    rotate: bool  # random orientation (costs one more term)
    stain: float  # haematoxylin optical density of a nucleus
    density: _Octaves
    density_bias: float
    density_gain: float
    margin: float  # room kept for the soft edge inside the cell (base px)

    def probability(self, field: np.ndarray) -> np.ndarray:
        """Per-grid probability that a cell holds a nucleus.

        Capped below 1: a fully occupied jittered grid would show its lattice.
        """
        return np.clip(self.density_bias + self.density_gain * field, 0.0, 0.8)

    @property
    def mean_radius(self) -> float:
        return 0.5 * (self.radius[0] + self.radius[1])

    @property
    def coverage_per_probability(self) -> float:
        """Expected fraction of area covered by nuclei, per unit probability."""
        r = 0.5 * (self.radius[0] + self.radius[1])
        return sum(math.pi * r * r / (c * c) for c in self.cells)

    def render(self, grid: _Grid, softness: np.ndarray | float) -> np.ndarray:
        """Nucleus mask (0..1, soft-edged) for the tile."""
        # Each grid yields q, the squared elliptical distance to its nucleus
        # (q == 1 on the boundary); the nearest nucleus over all grids wins.
        q: np.ndarray | None = None
        for i, cell in enumerate(self.cells):
            grid_q = self._distance(grid, cell, mix_key(self.key, i))
            q = grid_q if q is None else np.minimum(q, grid_q, out=q)
        assert q is not None
        # Soft edge about `softness` base px wide (antialiasing, or blur).
        # Near the boundary 1 - q ~ 2 (1 - sqrt(q)), so the sqrt is avoided.
        sharpness = np.float32(0.5 * self.mean_radius) / softness
        mask = np.subtract(np.float32(1.0), q, out=q)
        mask *= sharpness
        mask += np.float32(0.5)
        np.clip(mask, 0.0, 1.0, out=mask)
        return mask

    def _distance(self, grid: _Grid, c: int, key: int) -> np.ndarray:
        """Squared normalised distance to the nucleus of each pixel's cell."""
        cx0 = int(grid.xs[0] // c)
        cy0 = int(grid.ys[0] // c)
        cxi = (grid.xs // c).astype(np.int64) - cx0
        cyi = (grid.ys // c).astype(np.int64) - cy0
        cell_ix = np.arange(cx0, cx0 + int(cxi[-1]) + 1)
        cell_iy = np.arange(cy0, cy0 + int(cyi[-1]) + 1)

        # Per-cell random parameters (small arrays).
        def u(i: int) -> np.ndarray:
            return _hash_grid(cell_ix, cell_iy, mix_key(key, i)).astype(np.float64)

        centres_x = (cell_ix + 0.5) * c
        centres_y = (cell_iy + 0.5) * c
        present = u(0) < self.probability(self.density.sample(centres_x, centres_y))
        radius = self.radius[0] + (self.radius[1] - self.radius[0]) * u(1)
        elong = self.elongation[0] + (self.elongation[1] - self.elongation[0]) * u(2)
        a = radius * np.sqrt(elong)  # semi-axis along the orientation
        b = radius / np.sqrt(elong)
        reach = self.radius[1] * math.sqrt(self.elongation[1]) + self.margin
        room = max(c / 2.0 - reach, 0.0)
        centre_x = (u(4) - 0.5) * 2.0 * room + c / 2.0
        centre_y = (u(5) - 0.5) * 2.0 * room + c / 2.0
        if self.rotate:
            angle = math.pi * u(3)
            cos, sin = np.cos(angle), np.sin(angle)
        else:
            # Axis-aligned: randomly wide or tall.
            cos = (u(3) < 0.5).astype(np.float64)
            sin = 1.0 - cos
        # Quadratic form q = alpha dx^2 + beta dx dy + gamma dy^2, scaled so
        # the ellipse boundary is q == 1.
        alpha = cos**2 / a**2 + sin**2 / b**2
        gamma = sin**2 / a**2 + cos**2 / b**2
        # Absent nuclei: push q far outside the boundary.
        alpha = np.where(present, alpha, 1e6).astype(np.float32)
        gamma = np.where(present, gamma, 1e6).astype(np.float32)

        # Offsets from the nucleus centre, kept separable: dx depends on
        # (cell row, x) and dy on (y, cell column); only the final sums are
        # full-size arrays.
        local_x = (grid.xs - cell_ix[cxi] * c).astype(np.float32)
        local_y = (grid.ys - cell_iy[cyi] * c).astype(np.float32)
        dx = local_x[None, :] - centre_x[:, cxi].astype(np.float32)  # (cell rows, w)
        dy = local_y[:, None] - centre_y[cyi, :].astype(np.float32)  # (h, cell cols)
        # Expanding per-column values with np.repeat keeps arrays C-ordered;
        # fancy indexing on axis 1 would return F-ordered arrays, which make
        # every later elementwise operation several times slower.
        runs = np.bincount(cxi)
        q = (alpha[:, cxi] * dx * dx)[cyi]
        q += np.repeat(gamma[cyi, :] * dy * dy, runs, axis=1)
        if self.rotate:
            beta = 2.0 * cos * sin * (1.0 / a**2 - 1.0 / b**2)
            beta = np.where(present, beta, 0.0).astype(np.float32)
            cross = (beta[:, cxi] * dx)[cyi]
            cross *= np.repeat(dy, runs, axis=1)
            q += cross
        return q


# --------------------------------------------------------------------------
# The model
# --------------------------------------------------------------------------


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
        self._tissue = _Octaves.make(mix_key(key, 1), largest, 48.0 * s, gain=0.55)
        # Nominal gradient of the tissue field (field units per base px),
        # used to turn a wanted edge width in pixels into field units.
        self._tissue_gradient = 1.0 / largest
        self._holes = _Octaves.make(mix_key(key, 2), 768.0 * s, 64.0 * s, gain=0.5)
        self._holes_gradient = 1.0 / (768.0 * s)
        self._eosin = _Octaves.make(mix_key(key, 3), 1024.0 * s, 24.0 * s, gain=0.6)
        self._texture = _Octaves.make(mix_key(key, 4), 12.0 * s, 3.0 * s, gain=0.7)

        def cells(*sizes: float) -> tuple[int, ...]:
            return tuple(max(4, round(size * s)) for size in sizes)

        self._nuclei = (
            # Small, round, dark: lymphocytes; clustered.
            _NucleusPopulation(
                key=mix_key(key, 5),
                cells=cells(58, 67, 79),
                radius=(9.0 * s, 12.5 * s),
                elongation=(1.0, 1.25),
                rotate=False,
                stain=1.45,
                density=_Octaves.make(mix_key(key, 6), 2048.0 * s, 128.0 * s),
                density_bias=0.35,
                density_gain=3.0,
                margin=7.0 * s,
            ),
            # Larger, paler ovals at random angles: stromal/epithelial nuclei.
            _NucleusPopulation(
                key=mix_key(key, 7),
                cells=cells(83, 101),
                radius=(10.0 * s, 14.0 * s),
                elongation=(1.3, 2.4),
                rotate=True,
                stain=1.0,
                density=_Octaves.make(mix_key(key, 8), 1024.0 * s, 128.0 * s),
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
        grid = _Grid(level_downsample, int(x0), int(y0), int(w), int(h))
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

    def _render_nuclei(self, grid: _Grid, footprint: np.ndarray | None) -> np.ndarray:
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
