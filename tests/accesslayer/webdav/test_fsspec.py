"""Remote slides read lazily: fsspec filesystems over /webdav/ and wsidicom on top read a region
without fetching whole files, pixel-identical to reading the archive's files locally.

The bytes counted are the response bodies the server streamed to the client (CountingTransport).
"""

from __future__ import annotations

from pathlib import PurePosixPath

import numpy as np
import pytest
import requests
from fsspec.implementations.http_sync import HTTPFileSystem  # requests-based; registers itself for http://
from webdav4.fsspec import WebdavFileSystem
from wsidicom import WsiDicom

from repository.models import Image, ImageFile
from tests.accesslayer.webdav.conftest import token_for
from tests.accesslayer.webdav.httpkit import BASE, WSGIAdapter, basic

BLOCK = 16 * 1024


@pytest.fixture
def image(published) -> Image:
    return Image.objects.filter(version=published.latest_version).order_by("alias").first()


@pytest.fixture
def rows(image) -> list[ImageFile]:
    return list(image.files.order_by("filename"))


def remote_paths(published, image, rows) -> list[str]:
    return [f"{published.accession}/IMAGES/{image.accession}/{PurePosixPath(row.filename).name}" for row in rows]


def http_fs(transport, user) -> HTTPFileSystem:
    fs = HTTPFileSystem(block_size=BLOCK, skip_instance_cache=True, headers=basic(user.username, token_for(user)))
    fs.session.mount("http://testserver/", WSGIAdapter(transport))
    return fs


def test_webdav4_lists_the_image_and_reads_its_files(transport, published, researcher, image, rows, archive_root):
    fs = WebdavFileSystem(BASE, auth=(researcher.username, token_for(researcher)), transport=transport)
    assert fs.ls("", detail=False) == [published.accession]
    folder = f"{published.accession}/IMAGES/{image.accession}"
    listed = {PurePosixPath(entry["name"]).name: entry for entry in fs.ls(folder, detail=True)}
    assert {name: entry["size"] for name, entry in listed.items()} == {
        PurePosixPath(row.filename).name: row.size for row in rows}
    assert all(entry["type"] == "file" for entry in listed.values())
    smallest = min(rows, key=lambda row: row.size)
    path = f"{folder}/{PurePosixPath(smallest.filename).name}"
    assert fs.cat_file(path) == (archive_root / smallest.storage_name).read_bytes()
    with fs.open(path, "rb") as handle:
        handle.seek(128)
        assert handle.read(4) == b"DICM"


def test_wsidicom_over_fsspec_reads_a_region_lazily_and_identically(transport, published, researcher, image,
                                                                     rows, archive_root):
    fs = http_fs(transport, researcher)
    streams = [fs.open(BASE + path, "rb", block_size=BLOCK) for path in remote_paths(published, image, rows)]
    with WsiDicom.open_streams(streams) as remote, \
            WsiDicom.open([archive_root / row.storage_name for row in rows]) as local:
        width, height = remote.size.width, remote.size.height
        location, size = (width // 2, height // 3), (300, 200)
        opened = transport.sent
        region = np.asarray(remote.read_region(location, 0, size))
        assert np.array_equal(region, np.asarray(local.read_region(location, 0, size)))
        assert region.shape == (200, 300, 3) and region.std() > 0
    for stream in streams:
        stream.close()
    print(f"opened with {opened} bytes, region {transport.sent - opened} bytes, files {[r.size for r in rows]}")
    base = max(rows, key=lambda row: row.size)
    total = sum(row.size for row in rows)
    region_bytes = transport.sent - opened
    # Opening reads headers and offset tables; the region reads a few frames of the base level.
    assert transport.sent < total / 2, (transport.sent, total)
    assert region_bytes < base.size / 4, (region_bytes, base.size)
    ranged = [r for method, _, r in transport.requests if method == "GET"]
    assert ranged and all(r.startswith("bytes=") for r in ranged)


def test_a_revoked_user_can_no_longer_open_the_slide(transport, published, researcher, image, rows):
    from access.applications.commands import application_command

    fs = http_fs(transport, researcher)
    url = BASE + remote_paths(published, image, rows)[0]
    assert fs.cat_file(url, start=0, end=132)[128:] == b"DICM"
    application_command(application=researcher.application, command="revoke", actor=researcher.application.handler,
                        comment="Ended.")
    with pytest.raises(requests.HTTPError, match="403"):
        fs.cat_file(url, start=0, end=132)
