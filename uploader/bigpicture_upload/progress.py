"""Progress bars, one per file in flight and one overall (rich), or none.

Bars are off with --json, --quiet, or when stdout is not a terminal; the
interface is the same, so the transfer code never asks which.
"""

from __future__ import annotations

import threading

from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)
from rich.progress import Progress as RichProgress


class Progress:
    """No bars: the calls do nothing."""

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc) -> None:
        return None

    def overall(self, total: int) -> None:
        pass

    def file_started(self, path: str, size: int, done: int):
        return None

    def advance(self, task, n: int) -> None:
        pass

    def file_finished(self, task) -> None:
        pass

    def note(self, text: str) -> None:
        pass


class Bars(Progress):
    def __init__(self, console: Console) -> None:
        self._bars = RichProgress(TextColumn("{task.description}", justify="left"), BarColumn(),
                                  DownloadColumn(binary_units=True), TransferSpeedColumn(), TimeRemainingColumn(),
                                  console=console, transient=False)
        self._total: TaskID | None = None
        self._lock = threading.Lock()

    def __enter__(self) -> Bars:
        self._bars.start()
        return self

    def __exit__(self, *exc) -> None:
        self._bars.stop()

    def overall(self, total: int) -> None:
        self._total = self._bars.add_task("[bold]all files", total=total)

    def file_started(self, path: str, size: int, done: int) -> TaskID:
        with self._lock:
            task = self._bars.add_task(_short(path), total=max(size, 1), completed=done)
            if self._total is not None:
                self._bars.advance(self._total, done)
        return task

    def advance(self, task, n: int) -> None:
        self._bars.advance(task, n)
        if self._total is not None:
            self._bars.advance(self._total, n)

    def file_finished(self, task) -> None:
        # Finished files leave the screen; the overall bar keeps their bytes.
        self._bars.remove_task(task)

    def note(self, text: str) -> None:
        """Says on the overall bar what the run waits for (the portal's verification)."""
        if self._total is not None:
            self._bars.update(self._total, description=f"[bold]{text}")


def _short(path: str, width: int = 40) -> str:
    return path if len(path) <= width else "…" + path[-(width - 1):]
