"""Staged storage writes reach their names only when the transaction commits (local and S3 storage)."""

import hashlib
import io

import pytest
from django.db import transaction

from bigpicture.models import StorageJournal
from bigpicture.objects import object_digest
from bigpicture.staging import ContentMismatch, object_stage, staged_atomic
from bigpicture.storage import storage_for


def stage(name: str, data: bytes, area: str = "archive"):
    return object_stage(area=area, name=name, source=io.BytesIO(data), sha256=hashlib.sha256(data).hexdigest())


def test_objects_reach_their_names_on_commit(transactional_db, storage_backend):
    with staged_atomic():
        stage("a/one.dcm", b"one")
        stage("b/two.jpg", b"two", area="public")
        assert not storage_for("archive").exists("a/one.dcm")
    assert storage_backend.objects("archive", "public") == {"archive/a/one.dcm", "public/b/two.jpg"}
    assert object_digest(storage_for("archive"), "a/one.dcm") == (hashlib.sha256(b"one").hexdigest(), 3)
    assert not StorageJournal.objects.exists()


def test_rollback_deletes_staged_objects(transactional_db, storage_backend):
    with pytest.raises(RuntimeError, match="refused"):
        with staged_atomic():
            stage("a/one.dcm", b"one")
            raise RuntimeError("refused")
    with staged_atomic():
        stage("a/two.dcm", b"two")
        transaction.set_rollback(True)
    assert storage_backend.objects("archive") == set()


def test_inner_block_hands_its_objects_to_the_outer_one(transactional_db, storage_backend):
    with pytest.raises(RuntimeError):
        with staged_atomic():
            with staged_atomic():
                stage("a/inner.dcm", b"inner")
            raise RuntimeError("the outer transaction fails after the inner one succeeded")
    assert storage_backend.objects("archive") == set()


def test_wrong_checksum_keeps_nothing(transactional_db, storage_backend):
    with staged_atomic():
        with pytest.raises(ContentMismatch):
            object_stage(area="archive", name="a/x.dcm", source=io.BytesIO(b"x"), sha256="0" * 64)
        assert storage_backend.objects("archive") == set()


def test_unstaged_write_inside_a_transaction_is_refused(transactional_db, storage_backend):
    with transaction.atomic(), pytest.raises(RuntimeError, match="staged_atomic"):
        stage("a/one.dcm", b"one")
    assert storage_backend.objects("archive") == set()


def test_outside_a_transaction_the_object_is_moved_at_once(storage_backend):
    stage("a/one.dcm", b"one")
    assert storage_backend.objects("archive") == {"archive/a/one.dcm"}


@pytest.mark.s3
@pytest.mark.parametrize("storage_backend", ["s3"], indirect=True)
def test_big_objects_keep_bytes_and_content_type_on_s3(transactional_db, storage_backend):
    data = bytes(range(256)) * (40 * 1024 * 4)  # 40 MiB: S3 copies it in parts
    with staged_atomic():
        stage("big/sample.jpg", data, area="public")
    head = storage_backend.client.head_object(Bucket=storage_backend.bucket, Key="public/big/sample.jpg")
    assert head["ContentType"] == "image/jpeg" and head["ContentLength"] == len(data)
    assert object_digest(storage_for("public"), "big/sample.jpg") == (hashlib.sha256(data).hexdigest(), len(data))
