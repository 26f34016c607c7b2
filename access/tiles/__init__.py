"""Deep Zoom (DZI) tiles of published DICOM WSI for the slide viewer.

- `slides`: warm, bounded handles to opened slides (wsidicom), closed on eviction;
- `cache`: a per-process LRU of encoded tiles, bounded in bytes;
- `deepzoom`: the DZI geometry over a wsidicom pyramid, the tile bytes and their ETag.
"""
