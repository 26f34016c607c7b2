"""The uploader's wheel ships the portal's validator and installs on a machine without Django.

Builds the wheel from ./uploader (its `metaflex` is a link to the portal's), installs it
with its pinned dependencies into a fresh venv without system site-packages, and runs
the console script: `--help`, then a real local validation of a bundle.
"""

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.repository.metaflex_bundles import BundleBuilder, build_bundle

ROOT = Path(__file__).resolve().parents[2]


def run(*command, **kw):
    done = subprocess.run([str(c) for c in command], capture_output=True, text=True, timeout=900, **kw)
    return done


@pytest.mark.slow
def test_wheel_carries_metaflex_and_runs_without_django(tmp_path):
    venv = tmp_path / "venv"
    python, script = venv / "bin" / "python", venv / "bin" / "bigpicture-upload"
    base_python = getattr(sys, "_base_executable", sys.executable)
    assert run(base_python, "-m", "venv", venv).returncode == 0
    # A copy of the two folders, link kept, so the build writes nothing into the work tree.
    junk = shutil.ignore_patterns("build", "*.egg-info", "__pycache__")
    shutil.copytree(ROOT / "metaflex", tmp_path / "src" / "metaflex", ignore=junk)
    shutil.copytree(ROOT / "uploader", tmp_path / "src" / "uploader", symlinks=True, ignore=junk)
    assert (tmp_path / "src" / "uploader" / "metaflex").is_symlink()
    built = run(python, "-m", "pip", "wheel", "--quiet", "--no-deps", tmp_path / "src" / "uploader",
                "-w", tmp_path / "dist")
    assert built.returncode == 0, built.stderr
    wheel = next((tmp_path / "dist").glob("bigpicture_upload-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = {n.removeprefix("metaflex/") for n in names if n.startswith("metaflex/")}
    portal = {p.relative_to(ROOT / "metaflex").as_posix() for p in (ROOT / "metaflex").rglob("*")
              if p.suffix in (".py", ".toml")}
    assert portal <= shipped, sorted(portal - shipped)
    assert "profiles/bigpicture-2.0.toml" in shipped

    installed = run(python, "-m", "pip", "install", "--quiet", wheel)
    assert installed.returncode == 0, installed.stderr
    assert run(python, "-c", "import django").returncode != 0  # the portal's server stack is not there
    help_ = run(script, "--help")
    assert help_.returncode == 0 and "--parallel" in help_.stdout

    # The shipped validator, with its profile, really validates: a broken bundle stops at exit 2 ...
    builder = BundleBuilder(tmp_path / "broken")
    builder.remove("image", "IMAGE[@alias='img1']/IMAGE_TYPE")
    broken = run(script, builder.write(), "--url", "http://127.0.0.1:9", "--token", "t")
    assert broken.returncode == 2 and "METADATA/image.xml" in broken.stdout, broken.stdout + broken.stderr
    # ... and a valid one gets as far as the (absent) portal.
    valid = run(script, build_bundle(tmp_path / "valid"), "--url", "http://127.0.0.1:9", "--token", "t")
    assert valid.returncode == 3 and "cannot reach" in valid.stderr
