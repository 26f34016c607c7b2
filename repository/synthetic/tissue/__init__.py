"""Procedural, tile-addressable H&E-like tissue.

`TissueModel` paints a whole slide as a pure function of (seed, global pixel
coordinate, downsample): any tile at any pyramid level can be produced on its
own, in constant memory, and neighbouring tiles join seamlessly because every
value is computed from global coordinates.

How the picture is made (numpy only, vectorised):

* Value noise (`noise`): pseudo-random values on an integer lattice (a hash
  of the lattice coordinates and the seed, `hashing`, so nothing is stored),
  smoothly interpolated.  Because a tile's pixel centres form a rectilinear
  grid, the interpolation is separable and costs a few array operations per
  octave.
* A low-frequency noise field plus an elliptical envelope is thresholded into
  the tissue mask (tissue in the middle, bare glass towards the edges), with
  holes (lumina) punched by a second field.
* Eosin density comes from a mid-frequency field plus fine texture; nuclei
  (`nuclei`) are small dark ellipses on two jittered cell grids (dense small
  "lymphocytes" and sparser, larger oval "stromal" nuclei), their presence
  driven by density fields so there are crowded and sparse areas.
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

Modules: `hashing` (integer hashes), `noise` (value noise, fractal fields and a
tile's sampling grid), `nuclei` (the nucleus populations) and `model`
(`TissueModel` and `Box`).
"""

from .hashing import mix_key, unit_hash
from .model import Box, TissueModel

__all__ = ["Box", "TissueModel", "mix_key", "unit_hash"]
