"""rclone, as the README documents it, against /webdav/ on a live server: it lists a dataset, reads byte
ranges, and mounts the share read-only through FUSE so that wsidicom reads a region from the mounted
files, pixel-identical to the archive, fetching a fraction of the files (rclone's own log of the HTTP
responses counts the bytes)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from pathlib import Path, PurePosixPath

import numpy as np
import pytest
from wsidicom import WsiDicom

from repository.models import Image
from tests.accesslayer.webdav.conftest import token_for
from tests.servicekit.ci import skip_or_fail

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]


@pytest.fixture
def rclone_env(live_server, researcher) -> dict[str, str]:
    if shutil.which("rclone") is None:
        skip_or_fail("rclone is not installed (scripts/system_deps.sh installs it)")
    obscured = subprocess.run(["rclone", "obscure", token_for(researcher)], capture_output=True, text=True,
                              check=True).stdout.strip()
    # The remote "bp" as `rclone config create bigpicture webdav ...` would write it, from the environment.
    return {**os.environ, "RCLONE_CONFIG_BP_TYPE": "webdav", "RCLONE_CONFIG_BP_URL": f"{live_server.url}/webdav/",
            "RCLONE_CONFIG_BP_VENDOR": "other", "RCLONE_CONFIG_BP_USER": researcher.username,
            "RCLONE_CONFIG_BP_PASS": obscured, "RCLONE_CONFIG": "/dev/null"}


@pytest.fixture
def image(published) -> Image:
    return Image.objects.filter(version=published.latest_version).order_by("alias").first()


def _rclone(env, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["rclone", *args], env=env, capture_output=True, timeout=60)


def test_rclone_lists_the_image_and_reads_a_range(rclone_env, published, image, archive_root):
    folder = f"bp:{published.accession}/IMAGES/{image.accession}/"
    listed = _rclone(rclone_env, "lsf", folder)
    assert listed.returncode == 0, listed.stderr.decode()
    rows = list(image.files.order_by("filename"))
    assert sorted(listed.stdout.decode().split()) == sorted(PurePosixPath(row.filename).name for row in rows)
    first = rows[0]
    cat = _rclone(rclone_env, "cat", "--offset", "128", "--count", "4", folder + PurePosixPath(first.filename).name)
    assert cat.returncode == 0 and cat.stdout == b"DICM"


def _bytes_received(log: str) -> int:
    """The bodies of the GET responses rclone logged (--dump headers): their Content-Length."""
    total = 0
    for block in log.split("HTTP RESPONSE")[1:]:
        length = re.search(r"^Content-Length: (\d+)", block, re.MULTILINE | re.IGNORECASE)
        if re.search(r"HTTP/1\.1 20[06] ", block) and length:  # 200 OK, 206 Partial Content (not 207)
            total += int(length.group(1))
    return total


def test_a_read_only_rclone_mount_reads_a_region_lazily_and_identically(rclone_env, published, image,
                                                                       archive_root, tmp_path):
    if not Path("/dev/fuse").exists() or shutil.which("fusermount3") is None:
        skip_or_fail("FUSE is not available (/dev/fuse and fuse3's fusermount3)")
    mount, log = tmp_path / "mnt", tmp_path / "rclone.log"
    mount.mkdir()
    process = subprocess.Popen(["rclone", "mount", "bp:", str(mount), "--read-only", "--vfs-cache-mode", "off",
                                # As the README has it (with ranges of 16 KiB for these small slides), growing to 1 MiB, no read-ahead.
                                "--vfs-read-chunk-size", "16k", "--vfs-read-chunk-size-limit", "1M", "--buffer-size", "0",
                                "--dir-cache-time", "5s", "-vv", "--dump", "headers", "--log-file", str(log)],
                               env=rclone_env)
    folder = mount / published.accession / "IMAGES" / image.accession
    try:
        deadline = time.monotonic() + 30
        while not folder.is_dir():
            assert process.poll() is None and time.monotonic() < deadline, log.read_text()[-3000:]
            time.sleep(0.2)
        rows = list(image.files.order_by("filename"))
        mounted = [folder / PurePosixPath(row.filename).name for row in rows]
        assert [path.stat().st_size for path in mounted] == [row.size for row in rows]
        with WsiDicom.open(mounted) as remote, WsiDicom.open([archive_root / r.storage_name for r in rows]) as local:
            location, size = (remote.size.width // 2, remote.size.height // 3), (300, 200)
            region = np.asarray(remote.read_region(location, 0, size))
            assert np.array_equal(region, np.asarray(local.read_region(location, 0, size)))
            assert region.std() > 0
    finally:
        subprocess.run(["fusermount3", "-u", str(mount)], capture_output=True)
        process.terminate()
        process.wait(timeout=30)
    received, total = _bytes_received(log.read_text()), sum(row.size for row in rows)
    print(f"rclone mount: {received} bytes received of {total}")
    assert 0 < received < total / 2, (received, total)

