"""The public metaflex.zip: built once per published version by a task, stored, verified, then only served."""

import hashlib
import io
import zipfile
from io import StringIO

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError

from bigpicture.storage import storage_for
from governance.models import AuditEvent
from repository import tasks
from repository.models import DatasetVersion
from repository.services import dataset_import
from repository.services.public_exports import public_export_build, public_export_name


def _zip_names(data: bytes) -> list[str]:
    return zipfile.ZipFile(io.BytesIO(data)).namelist()


def _stored(version) -> bytes:
    with storage_for("public").open(version.public_export_name, "rb") as handle:
        return handle.read()


def test_build_stores_the_public_folders_and_records_name_size_and_hash(imported_version):
    version = public_export_build(version_id=imported_version.pk)
    accession = version.dataset.accession
    assert version.public_export_name == f"{accession}/exports/{accession}-v1-metaflex.zip"
    data = _stored(version)
    assert (version.public_export_size, version.public_export_sha256) == (len(data), hashlib.sha256(data).hexdigest())
    names = _zip_names(data)
    assert f"{accession}-v1/METADATA/dataset.xml" in names and f"{accession}-v1/LANDING_PAGE/landing_page.xml" in names
    assert not any("PRIVATE" in name or name.endswith((".dcm", ".jpg", ".json")) for name in names)
    assert AuditEvent.objects.filter(action="dataset.public_export").count() == 1


def test_building_again_reuses_the_verified_zip(imported_version, local_storage):
    first = public_export_build(version_id=imported_version.pk)
    path = local_storage / "public" / first.public_export_name
    written = path.stat().st_mtime_ns
    again = public_export_build(version_id=imported_version.pk)
    assert (again.public_export_size, again.public_export_sha256) == (first.public_export_size,
                                                                      first.public_export_sha256)
    assert path.stat().st_mtime_ns == written
    assert AuditEvent.objects.filter(action="dataset.public_export").count() == 1


def test_a_stored_zip_with_the_right_bytes_but_no_record_is_reused(imported_version, local_storage):
    built = public_export_build(version_id=imported_version.pk)
    DatasetVersion.objects.filter(pk=built.pk).update(public_export_name="", public_export_size=None,
                                                      public_export_sha256="")
    again = public_export_build(version_id=imported_version.pk)
    assert (again.public_export_name, again.public_export_sha256) == (built.public_export_name,
                                                                      built.public_export_sha256)
    assert AuditEvent.objects.filter(action="dataset.public_export").count() == 1  # not stored twice


@pytest.mark.parametrize("damage", [b"PK\x03\x04 cut short", None])
def test_a_truncated_or_replaced_zip_is_rebuilt(imported_version, damage):
    built = public_export_build(version_id=imported_version.pk)
    good = _stored(built)
    public = storage_for("public")
    public.delete(built.public_export_name)
    public.save(built.public_export_name, ContentFile(damage if damage is not None else good[: len(good) // 2]))
    rebuilt = public_export_build(version_id=imported_version.pk)
    assert _stored(rebuilt) == good and rebuilt.public_export_sha256 == hashlib.sha256(good).hexdigest()


def test_the_download_is_503_until_built_then_the_stored_zip(client, imported_version):
    url = f"/datasets/{imported_version.dataset.accession}/metaflex.zip"
    waiting = client.get(url)
    assert waiting.status_code == 503 and int(waiting["Retry-After"]) > 0
    assert "being prepared" in waiting.content.decode()
    assert not storage_for("public").exists(public_export_name(imported_version))  # nothing built on GET
    built = public_export_build(version_id=imported_version.pk)
    response = client.get(url)
    assert response.status_code == 200 and response.streaming
    data = b"".join(response.streaming_content)
    assert hashlib.sha256(data).hexdigest() == built.public_export_sha256
    assert response["ETag"] == f'"{built.public_export_sha256}"'
    assert int(response["Content-Length"]) == len(data)
    assert f'{built.dataset.accession}-v1-metaflex.zip' in response["Content-Disposition"]


def test_publication_queues_the_build_after_commit(db, local_storage, bundle_builder, monkeypatch,
                                                   django_capture_on_commit_callbacks):
    sent = []
    monkeypatch.setattr(tasks.public_export_build, "apply_async", lambda args, kwargs: sent.append(args))
    with django_capture_on_commit_callbacks(execute=True):
        result = dataset_import(bundle_dir=bundle_builder.write())
        assert sent == []  # not before the commit
    assert result.ok and sent == [(result.version.pk,)]
    bundle_builder.find("dataset", "DATASET/TITLE").text = "A dry run publishes nothing"
    with django_capture_on_commit_callbacks(execute=True):
        assert dataset_import(bundle_dir=bundle_builder.write(), dry_run=True).ok
    assert sent == [(result.version.pk,)]


def test_the_command_builds_what_is_missing(imported_version):
    out = StringIO()
    call_command("public_exports_build", stdout=out)
    imported_version.refresh_from_db()
    assert imported_version.public_export_name and "1 public export(s) built" in out.getvalue()
    call_command("public_exports_build", stdout=out)
    assert "0 public export(s) built" in out.getvalue()
    call_command("public_exports_build", imported_version.dataset.accession, "--all", stdout=out)
    assert "1 public export(s) built or verified" in out.getvalue()
    with pytest.raises(CommandError, match="no dataset with accession bp-dataset-zzzzzz-zzzzzz"):
        call_command("public_exports_build", "bp-dataset-zzzzzz-zzzzzz", stdout=out)
