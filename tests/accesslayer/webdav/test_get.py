"""GET and HEAD of a file: whole, one byte range (206), past the end (416), conditional; writes are 405."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

import pytest

from repository.models import ImageFile
from tests.accesslayer.webdav.conftest import token_for
from tests.accesslayer.webdav.httpkit import basic, dav_client


@pytest.fixture
def largest(published) -> ImageFile:
    return ImageFile.objects.filter(image__version=published.latest_version).order_by("-size").first()


@pytest.fixture
def url(published, largest) -> str:
    return f"{published.accession}/IMAGES/{largest.image.accession}/{PurePosixPath(largest.filename).name}"


@pytest.fixture
def client(transport, researcher):
    return dav_client(transport, basic("researcher", token_for(researcher)))


def stored(archive_root: Path, row: ImageFile) -> bytes:
    return (archive_root / row.storage_name).read_bytes()


def test_get_sends_the_whole_file_with_its_validators(client, url, largest, archive_root, published):
    response = client.get(url)
    assert response.status_code == 200
    assert response.content == stored(archive_root, largest)
    assert response.headers["Content-Length"] == str(largest.size)
    assert response.headers["Accept-Ranges"] == "bytes"
    assert response.headers["ETag"] == f'"{largest.checksum}"'
    assert response.headers["Content-Type"] == "application/dicom"
    assert response.headers["Last-Modified"]
    assert "private" in response.headers["Cache-Control"]


def test_head_sends_the_headers_only(client, url, largest):
    response = client.head(url)
    assert response.status_code == 200
    assert response.content == b""
    assert response.headers["Content-Length"] == str(largest.size)
    assert client.head(url, headers={"Range": "bytes=10-19"}).headers["Content-Range"] == f"bytes 10-19/{largest.size}"


@pytest.mark.parametrize(("header", "first", "last"), [
    ("bytes=128-1151", 128, 1151), ("bytes=1000-", 1000, None), ("bytes=-500", -500, None)])
def test_one_range_is_206_with_exactly_those_bytes(client, url, largest, archive_root, header, first, last):
    whole = stored(archive_root, largest)
    expected = whole[first:] if last is None else whole[first:last + 1]
    response = client.get(url, headers={"Range": header})
    assert response.status_code == 206
    assert response.content == expected
    start = first % len(whole)
    assert response.headers["Content-Range"] == f"bytes {start}-{start + len(expected) - 1}/{len(whole)}"
    assert response.headers["Content-Length"] == str(len(expected))


def test_a_range_past_the_end_is_416(client, url, largest):
    response = client.get(url, headers={"Range": f"bytes={largest.size}-"})
    assert response.status_code == 416
    assert response.headers["Content-Range"] == f"bytes */{largest.size}"


def test_an_end_past_the_end_is_cut_to_the_file(client, url, largest):
    response = client.get(url, headers={"Range": f"bytes={largest.size - 10}-{largest.size + 99}"})
    assert response.status_code == 206 and len(response.content) == 10


def test_several_ranges_or_a_changed_file_get_the_whole_file(client, url, largest):
    assert client.get(url, headers={"Range": "bytes=0-9,20-29"}).status_code == 200
    stale = client.get(url, headers={"Range": "bytes=0-9", "If-Range": '"other"'})
    assert stale.status_code == 200 and len(stale.content) == largest.size
    fresh = client.get(url, headers={"Range": "bytes=0-9", "If-Range": f'"{largest.checksum}"'})
    assert fresh.status_code == 206


def test_if_none_match_is_304(client, url, largest):
    response = client.get(url, headers={"If-None-Match": f'"{largest.checksum}"'})
    assert response.status_code == 304 and response.content == b""


def test_a_collection_answers_get_with_a_page_of_links(client, published):
    response = client.get("")
    assert response.status_code == 200
    assert f'href="{published.accession}/"' in response.text


@pytest.mark.parametrize("method", ["PUT", "DELETE", "MKCOL", "COPY", "MOVE", "PROPPATCH", "LOCK", "UNLOCK",
                                    "POST", "PATCH"])
def test_every_write_method_is_405(client, url, method):
    response = client.request(method, url, content=b"x")
    assert response.status_code == 405
    assert response.headers["Allow"] == "OPTIONS, PROPFIND, GET, HEAD"


def test_options_says_dav_class_1(transport):
    response = dav_client(transport).options("")
    assert response.status_code == 200
    assert response.headers["DAV"] == "1"
    assert "PROPFIND" in response.headers["Allow"]


def test_unknown_paths_are_404(client, published):
    assert client.get(f"{published.accession}/IMAGES/NO-SUCH-IMAGE/x.dcm").status_code == 404
    assert client.get(f"{published.accession}/OTHER/").status_code == 404
    assert client.get(f"{published.accession}/v9/IMAGES/").status_code == 404


def test_a_ranged_read_within_the_audit_window_costs_a_few_queries(client, url, django_assert_max_num_queries):
    client.get(url, headers={"Range": "bytes=0-99"})  # opens the audit window, caches the permission answer
    # The token, the version, the image and its files; the permission answer comes from the cache.
    with django_assert_max_num_queries(4):
        assert client.get(url, headers={"Range": "bytes=100-199"}).status_code == 206
