"""The storage sweep completes committed moves and deletes staged objects that no commit claims,
once older than the grace period (command, task, beat schedule)."""

import hashlib
import io

import pytest
from django.core.management import CommandError, call_command

from bigpicture import tasks
from bigpicture.celery import app
from bigpicture.models import StorageJournal
from bigpicture.staging import STAGING, storage_sweep
from bigpicture.storage import storage_for


def orphan(name: str, data: bytes = b"orphan") -> str:
    """A staged object whose transaction never committed."""
    return storage_for("archive").save(f"{STAGING}/{name}", io.BytesIO(data))


def journal(staged: str, data: bytes, name: str) -> StorageJournal:
    """A committed transaction's journal row whose move has not run."""
    return StorageJournal.objects.create(moves=[{"area": "archive", "staged": staged, "name": name,
                                                 "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}])


def test_young_orphans_are_kept_old_ones_deleted(db, storage_backend):
    name = orphan("young.dcm")
    assert storage_sweep().removed == 0  # its transaction may still be running
    assert storage_backend.objects("archive") == {f"archive/{name}"}
    assert storage_sweep(grace_seconds=0).removed == 1
    assert storage_backend.objects("archive") == set()


def test_claimed_objects_are_moved_not_deleted(db, storage_backend):
    staged = orphan("claimed.dcm", b"slide")
    journal(staged, b"slide", "ds/ab/slide.dcm")
    result = storage_sweep(grace_seconds=0)
    assert (result.moved, result.removed, result.failed) == (1, 0, 0)
    assert storage_backend.objects("archive") == {"archive/ds/ab/slide.dcm"}
    assert not StorageJournal.objects.exists()


def test_a_corrupted_staged_object_is_not_moved_and_the_command_fails(db, storage_backend):
    staged = orphan("corrupt.dcm", b"slid")
    journal(staged, b"slide", "ds/ab/slide.dcm")
    with pytest.raises(CommandError, match="could not be moved"):
        call_command("storage_sweep")
    assert StorageJournal.objects.count() == 1  # kept, so the next sweep reports it again
    assert not storage_for("archive").exists("ds/ab/slide.dcm")


def test_the_sweep_runs_hourly_as_a_task(db, storage_backend):
    entry = next(e for e in app.conf.beat_schedule.values() if e["task"] == tasks.storage_sweep.name)
    assert entry["schedule"] <= 3600
    staged = orphan("claimed.dcm", b"slide")
    journal(staged, b"slide", "ds/ab/slide.dcm")
    assert tasks.storage_sweep.apply().get() == {"moved": 1, "failed": 0, "removed": 0}
