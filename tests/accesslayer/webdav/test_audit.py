"""File reads are audited: a whole-file GET is one row each; ranged GETs of one file by one user
within WEBDAV_AUDIT_WINDOW_SECONDS are one row; HEAD and listings are not reads."""

from __future__ import annotations

from pathlib import PurePosixPath

import pytest

from access.selectors.permissions import permission_cache
from governance.models import AuditEvent
from repository.models import ImageFile
from tests.accesslayer.webdav.conftest import token_for
from tests.accesslayer.webdav.davkit import propfind
from tests.accesslayer.webdav.httpkit import basic, dav_client


@pytest.fixture
def files(published) -> list[ImageFile]:
    return list(ImageFile.objects.filter(image__version=published.latest_version).order_by("-size")[:2])


def url_of(published, row: ImageFile) -> str:
    return f"{published.accession}/IMAGES/{row.image.accession}/{PurePosixPath(row.filename).name}"


def reads() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action="webdav.file_read"))


def test_each_whole_file_get_is_one_row(transport, published, researcher, files):
    client = dav_client(transport, basic("researcher", token_for(researcher)))
    for _ in range(2):
        assert client.get(url_of(published, files[0])).status_code == 200
    rows = reads()
    assert len(rows) == 2
    assert rows[0].actor_id == researcher.pk
    assert rows[0].target_id == str(files[0].pk)
    assert rows[0].detail == {"dataset": published.accession, "version": 1, "image": files[0].image.accession,
                              "file": PurePosixPath(files[0].filename).name, "size": files[0].size,
                              "range": None, "window_seconds": None}


def test_ranged_reads_of_a_file_are_one_row_per_window(transport, settings, published, researcher, files):
    settings.WEBDAV_AUDIT_WINDOW_SECONDS = 300
    client = dav_client(transport, basic("researcher", token_for(researcher)))
    for start in range(0, 4096, 512):
        assert client.get(url_of(published, files[0]), headers={"Range": f"bytes={start}-{start + 511}"}).status_code == 206
    client.get(url_of(published, files[1]), headers={"Range": "bytes=0-99"})
    client.head(url_of(published, files[1]))
    propfind(client, f"{published.accession}/IMAGES/")
    rows = reads()
    assert [(row.target_id, row.detail["range"]) for row in rows] == [
        (str(files[0].pk), f"bytes 0-511/{files[0].size}"), (str(files[1].pk), f"bytes 0-99/{files[1].size}")]
    assert rows[0].detail["window_seconds"] == 300

    # The window ends (its key expires): the next ranged read opens a new one.
    permission_cache().delete(f"webdav:read:{researcher.pk}:{files[0].pk}")
    client.get(url_of(published, files[0]), headers={"Range": "bytes=0-9"})
    assert len(reads()) == 3


def test_another_user_reading_the_same_file_has_their_own_row(transport, published, researcher, files):
    from tests.access.factories import UserFactory
    from tests.accesslayer.webdav.conftest import entitle

    other = UserFactory(username="second")
    entitle(published, other)
    for user in (researcher, other):
        client = dav_client(transport, basic(user.username, token_for(user)))
        client.get(url_of(published, files[0]), headers={"Range": "bytes=0-9"})
    assert sorted(row.actor_id for row in reads()) == sorted([researcher.pk, other.pk])
