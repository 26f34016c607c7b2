"""`python -m bench.upload.counting_uploader COUNTER_FILE ARGS...`: bigpicture-upload, counting what it sends.

The resume measurement needs the bytes a killed uploader had sent. Every socket
`sendall` (HTTP headers and bodies, to the portal and to S3) adds its length to an
8-byte counter in COUNTER_FILE, shared memory the benchmark reads while it runs.
The uploader's own code is unchanged.
"""

from __future__ import annotations

import mmap
import socket
import struct
import sys
import threading


def _count_sends(path: str) -> None:
    with open(path, "r+b") as handle:
        counter = mmap.mmap(handle.fileno(), 8)
    lock = threading.Lock()
    original = socket.socket.sendall

    def sendall(self, data, *args):
        result = original(self, data, *args)
        with lock:
            struct.pack_into("<Q", counter, 0, struct.unpack_from("<Q", counter)[0] + memoryview(data).nbytes)
        return result

    socket.socket.sendall = sendall


def counter_read(path: str) -> int:
    with open(path, "rb") as handle:
        return struct.unpack("<Q", handle.read(8).ljust(8, b"\0"))[0]


def counter_reset(path: str) -> None:
    with open(path, "wb") as handle:
        handle.write(b"\0" * 8)


def main() -> int:
    _count_sends(sys.argv[1])
    from bigpicture_upload.cli import main as upload

    return upload(sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
