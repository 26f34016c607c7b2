"""Value noise and fractal fields, evaluated on the sampling grid of one tile.

Value noise: pseudo-random values on an integer lattice (see `hashing`), smoothly
interpolated. Because a tile's pixel centres form a rectilinear grid, the
interpolation is separable and costs a few array operations per octave. `Octaves`
sums band-limited octaves of it; `Grid` holds a tile's pixel centres and a coarse
grid on which smooth fields are evaluated once and interpolated back.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .hashing import hash_grid, mix_key

# Coarse evaluation step (level pixels) for smooth fields; they are
# interpolated back to full resolution, which is exact enough for fields whose
# wavelength is >= 16 coarse steps and saves most of the per-octave cost.
COARSE_STEP = 8


def _axis_weights(coords: np.ndarray, spacing: float) -> tuple[int, np.ndarray, np.ndarray]:
    """Lattice origin, per-coordinate lattice offset and smoothstep weight."""
    u = coords / spacing
    cell = np.floor(u)
    frac = u - cell
    weight = (frac * frac * (3.0 - 2.0 * frac)).astype(np.float32)
    cell = cell.astype(np.int64)
    origin = int(cell[0])  # coordinates are increasing
    return origin, cell - origin, weight


def value_noise(xs: np.ndarray, ys: np.ndarray, spacing: float, key: int, amplitude: float) -> np.ndarray:
    """Smooth value noise in [-amplitude/2, amplitude/2] on the grid ys x xs."""
    ox, jx, wx = _axis_weights(xs, spacing)
    oy, jy, wy = _axis_weights(ys, spacing)
    nx = int(jx[-1]) + 2
    ny = int(jy[-1]) + 2
    lattice = hash_grid(np.arange(ox, ox + nx), np.arange(oy, oy + ny), key)
    lattice -= np.float32(0.5)
    lattice *= np.float32(amplitude)
    # Interpolate along x on the few lattice rows, then along y at full size.
    # (Fancy indexing on axis 1 returns F-ordered arrays; the row gathers
    # below are several times faster from a C-ordered one.)
    left = lattice[:, jx]
    rows = np.ascontiguousarray(left + (lattice[:, jx + 1] - left) * wx)
    return lerp_rows(rows, jy, wy)


def lerp_rows(rows: np.ndarray, index: np.ndarray, weight: np.ndarray) -> np.ndarray:
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


def octave_weight(ratio: np.ndarray | float) -> np.ndarray | float:
    """How much of an octave survives when its wavelength/footprint is `ratio`.

    Octaves at or below the pixel footprint are replaced by their mean (0) to
    avoid aliasing; above 2.5 footprints they are kept in full.
    """
    t = np.clip((np.asarray(ratio, dtype=np.float32) - 1.0) / 1.5, 0.0, 1.0)
    return t * t * (3.0 - 2.0 * t)


class Grid:
    """Pixel centres of one tile in base coordinates, plus a coarse grid.

    The coarse grid is aligned to global multiples of `COARSE_STEP` level
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
        k = COARSE_STEP
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
        t = (p - origin) / COARSE_STEP
        i = np.minimum(np.floor(t).astype(np.int64), n - 2)
        return i, (t - i).astype(np.float32)

    def upsample(self, coarse: np.ndarray) -> np.ndarray:
        """Bilinear interpolation of a coarse-grid field to the tile pixels."""
        left = coarse[:, self._ix]
        rows = np.ascontiguousarray(left + (coarse[:, self._ix + 1] - left) * self._fx)
        return lerp_rows(rows, self._iy, self._fy)


@dataclass(frozen=True)
class Octaves:
    """A fractal noise field: lattice spacings (base px) and amplitudes."""

    key: int
    spacings: tuple[float, ...]
    amplitudes: tuple[float, ...]

    @classmethod
    def make(cls, key: int, largest: float, smallest: float, gain: float = 0.5) -> Octaves:
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
            weight = float(octave_weight(spacing / footprint))
            if weight > 0.0:
                out += value_noise(xs, ys, spacing, mix_key(self.key, i), amplitude * weight)
        return out

    def render(
        self, grid: Grid, footprint: np.ndarray | None = None, extra_coarse: np.ndarray | None = None
    ) -> np.ndarray:
        """Evaluate on a tile.

        Octaves much coarser than a level pixel are summed on the coarse grid
        and interpolated once; the rest are evaluated per pixel.  `footprint`
        (base px per pixel, per-pixel array) widens the band limit locally,
        e.g. in blurred regions; `extra_coarse` is added before upsampling.
        """
        ds = grid.downsample
        max_fp = ds if footprint is None else max(ds, float(footprint.max()))
        coarse_limit = max(4.0 * COARSE_STEP * ds, 2.5 * max_fp)
        coarse = extra_coarse.copy() if extra_coarse is not None else None
        fine: np.ndarray | None = None
        for i, (spacing, amplitude) in enumerate(zip(self.spacings, self.amplitudes, strict=True)):
            key = mix_key(self.key, i)
            if spacing >= coarse_limit:
                layer = value_noise(grid.coarse_xs, grid.coarse_ys, spacing, key, amplitude)
                coarse = layer if coarse is None else coarse + layer
                continue
            scalar_weight = float(octave_weight(spacing / ds))
            if scalar_weight <= 0.0:
                continue
            layer = value_noise(grid.xs, grid.ys, spacing, key, amplitude * scalar_weight)
            if footprint is not None and spacing < 2.5 * max_fp:
                # Local band limit (blur); the global one is already applied.
                layer *= octave_weight(spacing / np.maximum(footprint, ds)) / scalar_weight
            fine = layer if fine is None else fine + layer
        out = grid.upsample(coarse) if coarse is not None else np.zeros((grid.h, grid.w), np.float32)
        if fine is not None:
            out += fine
        return out
