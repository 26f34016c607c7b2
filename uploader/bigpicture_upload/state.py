"""Which submission a bundle goes to, remembered between runs in the user's cache folder.

The key is (portal URL, absolute bundle path); nothing is ever written inside the
bundle. `$XDG_CACHE_HOME/bigpicture-upload/state.json`, else `~/.cache/...`.
The portal itself knows which parts it holds, so this is all the state a resume needs.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path


def state_path() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "bigpicture-upload" / "state.json"


def _key(url: str, bundle: Path) -> str:
    return f"{url.rstrip('/')} {bundle.resolve()}"


def _load() -> dict:
    try:
        data = json.loads(state_path().read_text())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def submission_remembered(url: str, bundle: Path) -> str | None:
    entry = _load().get(_key(url, bundle))
    return entry.get("submission") if isinstance(entry, dict) else None


def submission_remember(url: str, bundle: Path, submission: str | None) -> None:
    """Store (or, with None, forget) the bundle's submission; written to a temporary file, then moved."""
    data = _load()
    if submission is None:
        data.pop(_key(url, bundle), None)
    else:
        data[_key(url, bundle)] = {"submission": submission}
    path = state_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", dir=path.parent, delete=False, suffix=".tmp") as handle:
        json.dump(data, handle, indent=1, sort_keys=True)
    os.replace(handle.name, path)
