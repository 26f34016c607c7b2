"""The whole version as one streamed tar: MANIFEST.tsv, then every file (crypt4gh: each encrypted on its own)."""

from __future__ import annotations

import csv
import io
import tarfile

import pytest

from governance.models import AuditEvent
from repository.models import ImageFile
from tests.accesslayer.downloads.kit import archived_bytes, body, decrypted, policy_set

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def _url(version, **query) -> str:
    url = f"/downloads/datasets/{version.dataset.accession}/v{version.number}/bundle.tar"
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_a_crypt4gh_tar_holds_every_file_and_the_manifest(client, entitled_user, registered_key, user_keys,
                                                         wsi_version):
    client.force_login(entitled_user)
    response = client.get(_url(wsi_version))
    assert response.status_code == 200 and response.streaming and response["Content-Type"] == "application/x-tar"
    data = body(response)
    assert len(data) == int(response["Content-Length"])
    stem = f"{wsi_version.dataset.accession}-v1"
    rows = {row.filename: row for row in ImageFile.objects.filter(image__version=wsi_version)}
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        names = tar.getnames()
        assert names[0] == f"{stem}/MANIFEST.tsv"
        manifest = list(csv.DictReader(io.StringIO(tar.extractfile(names[0]).read().decode()), delimiter="\t"))
        assert {f"{stem}/{entry['path']}" for entry in manifest} == set(names[1:])
        for name in names[1:]:
            row = rows[name.removeprefix(f"{stem}/").removesuffix(".c4gh")]
            assert decrypted(tar.extractfile(name).read(), user_keys.secret) == archived_bytes(row)
    events = AuditEvent.objects.filter(action="access.download.file", actor_id=entitled_user.pk)
    assert events.count() == len(rows)
    assert {e.detail["delivery"] for e in events} == {"tar"}
    assert {e.detail["key_fingerprint"] for e in events} == {registered_key.fingerprint}


def test_a_plain_tar_where_allowed_and_refusals(client, entitled_user, unentitled_user, wsi_version,
                                                indirect_version):
    client.force_login(entitled_user)
    assert client.get(_url(wsi_version, mode="plain")).status_code == 403
    assert client.get(_url(wsi_version)).status_code == 409  # no key registered
    policy_set(wsi_version, "plain_download", "Allowed")
    with tarfile.open(fileobj=io.BytesIO(body(client.get(_url(wsi_version, mode="plain"))))) as tar:
        for member in tar.getmembers()[1:]:
            row = ImageFile.objects.get(image__version=wsi_version, filename=member.name.split("/", 1)[1])
            assert tar.extractfile(member).read() == archived_bytes(row)
    assert client.get(_url(indirect_version, mode="plain")).status_code == 404
    client.force_login(unentitled_user)
    assert client.get(_url(wsi_version, mode="plain")).status_code == 403
