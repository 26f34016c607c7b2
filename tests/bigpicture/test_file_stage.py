"""file_stage: a local file staged without copying it on local storage, copied on S3; either way it lands
only on commit, with its SHA-256."""

import hashlib

import pytest

from bigpicture.objects import object_digest
from bigpicture.staging import file_stage, staged_atomic
from bigpicture.storage import storage_for, storage_settings


@pytest.fixture
def local_media(settings, tmp_path):
    settings.STORAGES = storage_settings(backend="local", media_root=tmp_path / "media", static_manifest=False)
    return tmp_path / "media"


def test_a_file_lands_on_commit_with_its_digest(transactional_db, storage_backend, tmp_path):
    path = tmp_path / "out.dcm"
    path.write_bytes(b"converted instance")
    with staged_atomic():
        staged = file_stage(area="inbox", name="job/1/a.dcm", path=path)
        assert not storage_for("inbox").exists("job/1/a.dcm")
    assert (staged.sha256, staged.size) == (hashlib.sha256(b"converted instance").hexdigest(), 18)
    assert object_digest(storage_for("inbox"), "job/1/a.dcm") == (staged.sha256, staged.size)


def test_on_local_media_the_file_is_linked_not_copied(transactional_db, local_media, tmp_path):
    path = tmp_path / "out.dcm"
    path.write_bytes(b"x" * 1000)
    with staged_atomic():
        file_stage(area="inbox", name="job/1/a.dcm", path=path)
    assert path.stat().st_nlink == 2  # the work file and the object are one inode
    assert (local_media / "inbox" / "job/1/a.dcm").samefile(path)


def test_a_rollback_deletes_the_staged_link(transactional_db, local_media, tmp_path):
    path = tmp_path / "out.dcm"
    path.write_bytes(b"x")
    with pytest.raises(RuntimeError), staged_atomic():
        file_stage(area="inbox", name="job/1/a.dcm", path=path)
        raise RuntimeError("the step failed")
    assert [p for p in (local_media / "inbox").rglob("*") if p.is_file()] == []
    assert path.read_bytes() == b"x"
