"""A description of the machine a benchmark ran on, without its hostname."""

from __future__ import annotations

import importlib.metadata
import os
import platform
from pathlib import Path
from typing import Any


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown"


def _memory_gb() -> float | None:
    try:
        return round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)
    except (ValueError, OSError, AttributeError):
        return None


def _cores() -> int | None:
    # The cores this process may run on, which is what a benchmark can use.
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count()


def _versions(*packages: str) -> dict[str, str]:
    found = {}
    for package in packages:
        try:
            found[package] = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            pass
    return found


def machine_info() -> dict[str, Any]:
    return {
        "cpu": _cpu_model(),
        "cores": _cores(),
        "memory_gb": _memory_gb(),
        "python": platform.python_version(),
        # platform.platform() names the OS, kernel and libc, never the host.
        "platform": platform.platform(),
        "packages": _versions("django", "celery", "kombu", "redis"),
    }
