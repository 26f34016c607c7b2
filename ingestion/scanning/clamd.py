"""A clamd client speaking its socket protocol: zPING, zVERSION and zINSTREAM.

A file is streamed in chunks of at most `CHUNK` bytes (4-byte big-endian length, then the
data; a zero length ends the stream), so memory stays bounded whatever the file's size and
whatever it is read from. A scan either returns a verdict (clean, or the signature found)
or raises: TransientError when clamd cannot be reached, goes away or times out, or the file
cannot be read (retry later); PermanentError when clamd answers that it cannot scan the file
(an operator must raise a limit). A file is never reported clean unless clamd said OK, and
the verdict says how many bytes clamd saw, for the caller to compare with the file's size.
"""

from __future__ import annotations

import select
import socket
import struct
from dataclasses import dataclass
from typing import BinaryIO
from urllib.parse import urlsplit

from django.conf import settings

from bigpicture.errors import PermanentError, PortalError, TransientError

CHUNK = 1024 * 1024
_REPLY_LIMIT = 64 * 1024
_LIMITS_EXCEEDED = "Heuristics.Limits.Exceeded"
# ClamAV scans at most this much of one file, whatever MaxFileSize says (libclamav's own limit).
CLAMAV_MAX_FILE_BYTES = 2**31 - 3


@dataclass(frozen=True)
class ScanVerdict:
    clean: bool
    signature: str | None  # as clamd names it, e.g. "Win.Test.EICAR_HDB-1"; None when clean
    bytes_scanned: int
    clamd_version: str  # e.g. "ClamAV 1.4.6/27470/Mon Dec  1 09:00:00 2026" (engine/database/date)


def scan_stream(stream: BinaryIO, *, name: str, address: str | None = None) -> ScanVerdict:
    """Stream `stream` to end of file through clamd; `name` says which file it is in messages."""
    address = address or settings.CLAMD_ADDRESS
    version = _command("VERSION", address=address, about=f"scan {name}")
    with _connect(address, about=f"scan {name}") as sock:
        sent = _send_stream(sock, stream, name=name, address=address)
        reply = _reply(sock, address=address, about=f"scan {name}")
    if not reply:
        raise TransientError(
            f"Could not scan {name}: clamd at {address} closed the connection without a verdict after "
            f"{sent:,} bytes (it may have stopped)."
        )
    return _verdict(reply, name=name, address=address, sent=sent, version=version)


def clamd_ping(*, address: str | None = None) -> None:
    """Return when clamd answers PONG; raise TransientError otherwise."""
    address = address or settings.CLAMD_ADDRESS
    reply = _command("PING", address=address, about="ping clamd")
    if reply != "PONG":
        raise TransientError(f"clamd at {address} answered {reply!r} to PING instead of PONG")


def clamd_version(*, address: str | None = None) -> str:
    """clamd's engine and database version, e.g. "ClamAV 1.4.6/27470/Mon Dec  1 09:00:00 2026"."""
    return _command("VERSION", address=address or settings.CLAMD_ADDRESS, about="ask clamd its version")


def _send_stream(sock: socket.socket, stream: BinaryIO, *, name: str, address: str) -> int:
    sent = 0
    try:
        sock.sendall(b"zINSTREAM\0")
        while chunk := _read(stream, name=name, sent=sent):
            if sent + len(chunk) > CLAMAV_MAX_FILE_BYTES:
                raise _beyond_clamav(name)
            sock.sendall(struct.pack(">I", len(chunk)))
            sock.sendall(chunk)
            sent += len(chunk)
            if _answered_early(sock):
                return sent  # clamd refused the stream; its reply is waiting
        sock.sendall(struct.pack(">I", 0))
    except OSError as exc:
        # clamd closes the connection when a stream passes StreamMaxLength, after saying so:
        # its reply, if it came, says more than the broken pipe.
        reply = _reply_after_failure(sock)
        if reply:
            raise _refusal(reply, name=name, address=address, sent=sent) from exc
        raise TransientError(
            f"Could not scan {name}: the connection to clamd at {address} failed after {sent:,} bytes "
            f"({_describe(exc)})."
        ) from exc
    return sent


def _answered_early(sock: socket.socket) -> bool:
    """Whether clamd has answered (or hung up) before the stream's end: over TCP, sending on
    would draw a reset that can discard its answer."""
    poller = select.poll()
    poller.register(sock, select.POLLIN)
    return bool(poller.poll(0))


def _read(stream: BinaryIO, *, name: str, sent: int) -> bytes:
    try:
        return stream.read(CHUNK)
    except PortalError:
        raise
    except OSError as exc:
        raise TransientError(
            f"Could not scan {name}: reading it failed after {sent:,} bytes ({_describe(exc)})."
        ) from exc


def _verdict(reply: str, *, name: str, address: str, sent: int, version: str) -> ScanVerdict:
    if reply == "stream: OK":
        return ScanVerdict(clean=True, signature=None, bytes_scanned=sent, clamd_version=version)
    if reply.startswith("stream: ") and reply.endswith(" FOUND"):
        signature = reply.removeprefix("stream: ").removesuffix(" FOUND")
        if signature.startswith(_LIMITS_EXCEEDED):
            raise _too_big(signature, name=name, address=address, sent=sent)
        return ScanVerdict(clean=False, signature=signature, bytes_scanned=sent, clamd_version=version)
    raise _refusal(reply, name=name, address=address, sent=sent)


def _too_big(signature: str, *, name: str, address: str, sent: int) -> PermanentError:
    limit = signature.removeprefix(_LIMITS_EXCEEDED).strip(".") or "MaxFileSize and MaxScanSize"
    return PermanentError(
        f"{name} was not scanned: it is too big for clamd at {address} ({signature} after {sent:,} bytes); "
        f"raise {limit} in clamd.conf. It is not known to be clean."
    )


def _beyond_clamav(name: str) -> PermanentError:
    # clamd would skip the file unscanned (and, without AlertExceedsMax, answer OK): stop sending.
    return PermanentError(
        f"{name} was not scanned: it is larger than {CLAMAV_MAX_FILE_BYTES:,} bytes, the most ClamAV scans "
        "of one file whatever clamd.conf says; it needs another way to be scanned. It is not known to be clean."
    )


def _refusal(reply: str, *, name: str, address: str, sent: int) -> PermanentError:
    if "size limit exceeded" in reply:
        return PermanentError(
            f"{name} was not scanned: clamd at {address} refused the stream ({reply}) with {sent:,} bytes sent; "
            "raise StreamMaxLength in clamd.conf above the largest file (and MaxFileSize, MaxScanSize). "
            "It is not known to be clean."
        )
    return PermanentError(
        f"{name} was not scanned: clamd at {address} answered {reply!r} after {sent:,} bytes. "
        "It is not known to be clean; see clamd's log."
    )


def _command(command: str, *, address: str, about: str) -> str:
    with _connect(address, about=about) as sock:
        try:
            sock.sendall(f"z{command}\0".encode())
        except OSError as exc:
            raise _unreachable(address, about, exc) from exc
        reply = _reply(sock, address=address, about=about)
    if not reply:
        raise TransientError(f"Could not {about}: clamd at {address} closed the connection without a reply.")
    return reply


def _connect(address: str, *, about: str) -> socket.socket:
    target = _parse(address)
    timeout = settings.CLAMD_CONNECT_TIMEOUT_SECONDS
    try:
        if isinstance(target, str):
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                sock.settimeout(timeout)
                sock.connect(target)
            except OSError:
                sock.close()
                raise
        else:
            sock = socket.create_connection(target, timeout=timeout)
    except OSError as exc:
        raise _unreachable(address, about, exc) from exc
    sock.settimeout(settings.CLAMD_TIMEOUT_SECONDS)
    return sock


def _reply(sock: socket.socket, *, address: str, about: str) -> str:
    """clamd's answer, up to its terminating NUL (or the connection's end)."""
    data = bytearray()
    try:
        while b"\0" not in data and len(data) < _REPLY_LIMIT:
            received = sock.recv(4096)
            if not received:
                break
            data += received
    except OSError as exc:
        raise TransientError(
            f"Could not {about}: no answer from clamd at {address} ({_describe(exc)})."
        ) from exc
    return data.split(b"\0", 1)[0].decode(errors="replace").strip()


def _reply_after_failure(sock: socket.socket) -> str:
    try:
        sock.settimeout(1)
        return sock.recv(_REPLY_LIMIT).split(b"\0", 1)[0].decode(errors="replace").strip()
    except OSError:
        return ""


def _unreachable(address: str, about: str, exc: OSError) -> TransientError:
    return TransientError(f"Could not {about}: clamd at {address} is not reachable ({_describe(exc)}).")


def _describe(exc: OSError) -> str:
    if isinstance(exc, TimeoutError):
        return "timed out"
    return exc.strerror or str(exc) or type(exc).__name__


def _parse(address: str) -> str | tuple[str, int]:
    """unix:///path/clamd.ctl (a socket path) or tcp://host:3310 (host and port)."""
    parts = urlsplit(address)
    if parts.scheme == "unix" and parts.path:
        return parts.path
    if parts.scheme == "tcp" and parts.hostname:
        try:
            return parts.hostname, parts.port or 3310
        except ValueError:  # a port that is not a number
            pass
    raise PermanentError(
        f"CLAMD_ADDRESS {address!r} is not a clamd address: expected unix:///path/to/clamd.ctl "
        "or tcp://host:3310."
    )
