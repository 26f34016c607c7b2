"""--limit-rate: one budget of bytes per second shared by every stream, so a transfer leaves room on the line."""

from __future__ import annotations

import threading
import time


class RateLimit:
    def __init__(self, bytes_per_second: float | None) -> None:
        self.rate = bytes_per_second
        self._lock = threading.Lock()
        self._due = time.monotonic()

    def take(self, n: int) -> None:
        """Wait until `n` more bytes fit in the budget."""
        if not self.rate or n <= 0:
            return
        with self._lock:
            now = time.monotonic()
            self._due = max(self._due, now) + n / self.rate
            wait = self._due - now - n / self.rate
        if wait > 0:
            time.sleep(wait)


def rate_parse(text: str) -> float:
    """'500k', '2M', '1G' or plain bytes per second."""
    units = {"k": 1 << 10, "m": 1 << 20, "g": 1 << 30}
    text = text.strip().lower().removesuffix("b").removesuffix("/s")
    factor = units.get(text[-1:], 1)
    number = float(text[:-1] if text[-1:] in units else text)
    if number <= 0:
        raise ValueError(text)
    return number * factor
