"""Cell nuclei: small dark ellipses on jittered cell grids, their density driven by noise fields."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .hashing import hash_grid, mix_key
from .noise import Grid, Octaves


@dataclass(frozen=True)
class NucleusPopulation:
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
    density: Octaves
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

    def render(self, grid: Grid, softness: np.ndarray | float) -> np.ndarray:
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

    def _distance(self, grid: Grid, c: int, key: int) -> np.ndarray:
        """Squared normalised distance to the nucleus of each pixel's cell."""
        cx0 = int(grid.xs[0] // c)
        cy0 = int(grid.ys[0] // c)
        cxi = (grid.xs // c).astype(np.int64) - cx0
        cyi = (grid.ys // c).astype(np.int64) - cy0
        cell_ix = np.arange(cx0, cx0 + int(cxi[-1]) + 1)
        cell_iy = np.arange(cy0, cy0 + int(cyi[-1]) + 1)

        # Per-cell random parameters (small arrays).
        def u(i: int) -> np.ndarray:
            return hash_grid(cell_ix, cell_iy, mix_key(key, i)).astype(np.float64)

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
