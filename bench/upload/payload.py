"""The bytes the upload benchmark sends: one big DICOM-looking file inside a minimal valid bundle.

The big file is a real header-only DICOM instance (the test bundle's stub, so the
validator's header checks pass) followed by a PixelData element whose value is
`size` bytes of padding; its SHA-256 is computed while writing and put into the
metadata, so the uploader's checksum pass agrees with it.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import struct
import time
from dataclasses import dataclass
from pathlib import Path

BLOCK = 1024 * 1024
BIG_IMAGE = "img1"


@dataclass(frozen=True)
class Payload:
    bundle: Path
    big_file: Path
    big_path: str  # inside the bundle
    size: int
    sha256: str


def _pixel_data_header(length: int) -> bytes:
    # (7FE0,0010) OB, explicit VR little endian: tag, VR, two reserved bytes, 32-bit length.
    return struct.pack("<HH", 0x7FE0, 0x0010) + b"OB\x00\x00" + struct.pack("<I", length)


def _write_big(path: Path, head: bytes, size: int) -> str:
    """`head` + a PixelData element filling the file up to about `size` bytes; returns the SHA-256."""
    padding = max(0, size - len(head) - 12) & ~1  # DICOM values have even length
    digest = hashlib.sha256()
    block = bytearray(os.urandom(BLOCK))
    with open(path, "wb") as out:
        for chunk in (head, _pixel_data_header(padding)):
            out.write(chunk)
            digest.update(chunk)
        left, n = padding, 0
        while left:
            block[:8] = n.to_bytes(8, "little")  # every block differs a little
            view = memoryview(block)[:min(BLOCK, left)]
            out.write(view)
            digest.update(view)
            left -= len(view)
            n += 1
    return digest.hexdigest()


def payload_write(workdir: Path, size: int) -> Payload:
    """The bundle with its big file of about `size` bytes, written once and reused while its marker stands."""
    from tests.repository.metaflex_bundles import BundleBuilder

    base = workdir / f"bundle-{size}"
    marker = base / ".complete"
    rel = f"IMAGES/IMAGE_{BIG_IMAGE}/{BIG_IMAGE}.dcm"
    if marker.exists():
        bundle = base / "DATASET_bench"
        big = bundle / rel
        return Payload(bundle, big, rel, big.stat().st_size, marker.read_text().strip())
    shutil.rmtree(base, ignore_errors=True)
    base.mkdir(parents=True)
    print(f"upload: writing a {size / 2**30:.2f} GiB bundle file")
    builder = BundleBuilder(base, name="DATASET_bench")
    big = builder.root / rel
    sha256 = _write_big(big, big.read_bytes(), size)
    builder.find("image", f"IMAGE[@alias='{BIG_IMAGE}']/FILES/FILE").set("checksum", sha256)
    bundle = builder.write()
    marker.write_text(sha256)
    return Payload(bundle, big, rel, big.stat().st_size, sha256)


def payload_delete(workdir: Path, size: int) -> None:
    shutil.rmtree(workdir / f"bundle-{size}", ignore_errors=True)


def hash_seconds(path: Path, algorithm: str = "sha256") -> float:
    """hashlib's `algorithm` over the file in 1 MiB reads (page-cached after the first pass)."""
    digest = hashlib.new(algorithm)
    started = time.perf_counter()
    with open(path, "rb", buffering=0) as handle:
        while chunk := handle.read(BLOCK):
            digest.update(chunk)
    return time.perf_counter() - started


def page_cache_warm(path: Path) -> None:
    with open(path, "rb", buffering=0) as handle:
        while handle.read(8 * BLOCK):
            pass
