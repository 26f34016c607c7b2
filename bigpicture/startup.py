"""Turn a configuration error into one line on stderr instead of a traceback."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TypeVar

from bigpicture.env import EnvError

T = TypeVar("T")


def run_or_explain(start: Callable[[], T]) -> T:
    try:
        return start()
    except EnvError as exc:
        sys.stderr.write(f"configuration error: {exc}\n")
        sys.exit(2)
