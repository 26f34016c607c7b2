"""Warm handles to opened slides: a bounded LRU of WsiDicom objects (TILE_SLIDE_HANDLES per process).

Opening a slide reads every instance's header, far more than a tile costs, so a slide stays open
between requests. An evicted slide is closed with its archive streams. Threads share a handle:
wsidicom's readers lock each seek-and-read of a frame, and decoding runs outside that lock.
A read racing an eviction finds the handle closed and reopens it (`closed`).
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from threading import Lock

from wsidicom import WsiDicom

from access.selectors.pixels import PixelImage, instance_open


@dataclass
class OpenSlide:
    slide: WsiDicom
    streams: list
    closed: bool = False
    lock: Lock = field(default_factory=Lock)

    def close(self) -> None:
        with self.lock:
            if self.closed:
                return
            self.closed = True
            self.slide.close()
            for stream in self.streams:
                stream.close()


def slide_key(pixels: PixelImage) -> tuple:
    """Which stored bytes a handle reads: the version's image row and its files' checksums."""
    return (pixels.image.pk, *(file.checksum for file in pixels.files))


class SlideHandles:
    def __init__(self, max_open: int):
        self.max_open = max_open
        self._open: OrderedDict[tuple, OpenSlide] = OrderedDict()
        self._lock = Lock()

    def get(self, pixels: PixelImage) -> OpenSlide:
        key = slide_key(pixels)
        with self._lock:
            handle = self._open.get(key)
            if handle is not None:
                self._open.move_to_end(key)
                return handle
        handle = _open(pixels)
        with self._lock:
            raced = self._open.get(key)
            if raced is not None:
                handle.close()
                return raced
            self._open[key] = handle
            evicted = [self._open.popitem(last=False)[1] for _ in range(len(self._open) - self.max_open)]
        for old in evicted:
            old.close()
        return handle

    def __len__(self) -> int:
        return len(self._open)

    def close_all(self) -> None:
        with self._lock:
            handles = list(self._open.values())
            self._open.clear()
        for handle in handles:
            handle.close()


def _open(pixels: PixelImage) -> OpenSlide:
    streams = [instance_open(file) for file in pixels.files if file.filetype == "dcm"]
    try:
        return OpenSlide(slide=WsiDicom.open_streams(streams), streams=streams)
    except Exception:
        for stream in streams:
            stream.close()
        raise
