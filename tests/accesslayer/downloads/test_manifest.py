"""Per-version manifests (TSV and JSON) for scripted downloads: every file, sizes, SHA-256, download URLs."""

from __future__ import annotations

import csv
import io

import pytest

from access.downloads.streams import crypt4gh_size
from governance.models import AuditEvent
from repository.models import ImageFile
from tests.accesslayer.downloads.kit import body, decrypted, policy_set, sha256

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def _url(version, fmt: str, **query) -> str:
    url = f"/downloads/datasets/{version.dataset.accession}/v{version.number}/manifest.{fmt}"
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_the_json_manifest_drives_a_scripted_crypt4gh_download(client, entitled_user, registered_key, user_keys,
                                                               wsi_version):
    client.force_login(entitled_user)
    response = client.get(_url(wsi_version, "json"))
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    manifest = response.json()
    assert manifest["dataset"] == wsi_version.dataset.accession and manifest["mode"] == "crypt4gh"
    rows = ImageFile.objects.filter(image__version=wsi_version)
    assert {f["accession"] for f in manifest["files"]} == set(rows.values_list("accession", flat=True))
    for entry in manifest["files"]:
        row = rows.get(accession=entry["accession"])
        assert entry["path"] == row.filename + ".c4gh" and entry["plain_sha256"] == row.checksum
        assert entry["sha256"] is None  # a fresh session key per download: compare plain_sha256 after decrypting
        assert entry["size"] == crypt4gh_size(row.size) and entry["plain_size"] == row.size
        assert entry["url"].startswith("http://testserver/downloads/datasets/")
    first = manifest["files"][0]
    downloaded = body(client.get(first["url"].removeprefix("http://testserver")))
    assert len(downloaded) == first["size"]
    assert sha256(decrypted(downloaded, user_keys.secret)) == first["plain_sha256"]


def test_the_tsv_manifest_in_plain_mode(client, entitled_user, wsi_version):
    policy_set(wsi_version, "plain_download", "Allowed")
    client.force_login(entitled_user)
    response = client.get(_url(wsi_version, "tsv", mode="plain"))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/tab-separated-values")
    rows = list(csv.DictReader(io.StringIO(response.content.decode()), delimiter="\t"))
    assert list(rows[0]) == ["path", "size", "sha256", "plain_size", "plain_sha256", "accession", "owner", "url"]
    assert len(rows) == ImageFile.objects.filter(image__version=wsi_version).count()
    assert [r["path"] for r in rows] == sorted(r["path"] for r in rows)
    for entry in rows:
        row = ImageFile.objects.get(image__version=wsi_version, accession=entry["accession"])
        assert entry["path"] == row.filename and entry["sha256"] == entry["plain_sha256"] == row.checksum
        assert int(entry["size"]) == row.size and entry["url"].endswith("?mode=plain")
    data = body(client.get(rows[0]["url"].removeprefix("http://testserver")))
    assert sha256(data) == rows[0]["sha256"]
    event = AuditEvent.objects.get(action="access.download.manifest")
    assert event.detail == {"dataset": wsi_version.dataset.accession, "version": 1, "mode": "plain",
                            "format": "tsv", "files": len(rows)}


def test_manifests_are_refused_like_the_files(client, unentitled_user, entitled_user, wsi_version,
                                              indirect_version):
    assert client.get(_url(wsi_version, "json")).status_code == 403
    client.force_login(unentitled_user)
    assert client.get(_url(wsi_version, "tsv")).status_code == 403
    assert client.get(_url(indirect_version, "tsv")).status_code == 404
    client.force_login(entitled_user)
    assert client.get(_url(wsi_version, "tsv", mode="plain")).status_code == 403  # a clinical dataset
    assert client.get(_url(wsi_version, "tsv")).status_code == 200
    assert AuditEvent.objects.filter(action="access.download.manifest").count() == 1
