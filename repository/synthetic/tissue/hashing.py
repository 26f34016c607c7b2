"""Integer hashing: stable, well-mixed 32-bit keys and uniform numbers from integers.

Nothing random is stored: every value of the synthetic slide is a hash of a seed
and global coordinates, which is what makes any tile computable on its own.
"""

from __future__ import annotations

import numpy as np

_M32 = 0xFFFFFFFF


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


def hash_grid(ix: np.ndarray, iy: np.ndarray, key: int) -> np.ndarray:
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
