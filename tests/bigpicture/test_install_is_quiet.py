"""`make install`'s editable install prints no warnings from the build backend.

A newcomer's first screen used to be pages of setuptools warnings (`project.license`
as a table, then the import-finder notice of editable installs). This installs the
project, without its dependencies, into a throwaway venv the way `make install` does.
"""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NOISE = ("Warning", "!!", "deprecated", "Deprecat")


@pytest.mark.slow
def test_editable_install_prints_no_backend_warnings(tmp_path):
    venv = tmp_path / "venv"
    python = str(venv / "bin" / "python")
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    # As `make install` does: a current pip shows the build backend's warnings (older ones hid them).
    subprocess.run([python, "-m", "pip", "install", "--quiet", "--upgrade", "pip"], check=True,
                   capture_output=True, timeout=600)
    completed = subprocess.run([python, "-m", "pip", "install", "--quiet", "--no-deps", "-e", str(ROOT)],
                               capture_output=True, text=True, timeout=600)
    assert completed.returncode == 0, completed.stderr
    # pip's own notes about this machine's configuration (index locations) are not the project's.
    lines = [line for line in (completed.stdout + completed.stderr).splitlines()
             if line.strip() and not line.startswith(("WARNING: Location", "[notice]"))]
    assert not [line for line in lines if any(word in line for word in NOISE)], "\n".join(lines)
