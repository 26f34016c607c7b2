"""Tile and frame reads are audited in sessions: many reads, one session row and one audit row."""

from datetime import timedelta

import pytest
from django.utils import timezone

from access.models import PixelReadSession
from access.services.pixel_audit import SESSION_START, pixel_reads_record
from governance.models import AuditEvent
from tests.access.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def test_many_reads_make_one_session_and_one_audit_row(db):
    user = UserFactory()
    for _ in range(50):
        pixel_reads_record(user=user, image_accession="BPIM0000000001", via="tile")
    pixel_reads_record(user=user, image_accession="BPIM0000000001", via="tile", count=16)
    session = PixelReadSession.objects.get()
    assert session.read_count == 66 and session.via == "tile" and session.user == user
    audit = AuditEvent.objects.get(action=SESSION_START)
    assert audit.target_id == "BPIM0000000001" and audit.detail == {"via": "tile", "session": session.pk}


def test_a_gap_another_image_or_another_path_starts_a_new_session(db, settings):
    settings.PIXEL_AUDIT_SESSION_GAP_SECONDS = 300
    user = UserFactory()
    first = pixel_reads_record(user=user, image_accession="BPIM0000000001", via="tile")
    PixelReadSession.objects.filter(pk=first.pk).update(last_read_at=timezone.now() - timedelta(seconds=301))
    assert pixel_reads_record(user=user, image_accession="BPIM0000000001", via="tile") is not None
    assert pixel_reads_record(user=user, image_accession="BPIM0000000002", via="tile") is not None
    assert pixel_reads_record(user=user, image_accession="BPIM0000000002", via="frame") is not None
    assert pixel_reads_record(user=UserFactory(), image_accession="BPIM0000000002", via="frame") is not None
    assert PixelReadSession.objects.count() == 5
    assert AuditEvent.objects.filter(action=SESSION_START).count() == 5
    first.refresh_from_db()
    assert first.read_count == 1


def test_an_unknown_path_is_refused(db):
    with pytest.raises(ValueError):
        pixel_reads_record(user=UserFactory(), image_accession="BPIM0000000001", via="zip")


def test_reads_within_the_flush_interval_are_written_together(db, settings):
    settings.PIXEL_AUDIT_FLUSH_SECONDS = 60
    user = UserFactory()
    assert pixel_reads_record(user=user, image_accession="BPIM0000000001", via="tile") is not None
    for _ in range(20):
        assert pixel_reads_record(user=user, image_accession="BPIM0000000001", via="tile") is None
    session = PixelReadSession.objects.get()
    assert session.read_count == 1  # the 20 reads wait in this process's memory
    settings.PIXEL_AUDIT_FLUSH_SECONDS = 0
    pixel_reads_record(user=user, image_accession="BPIM0000000001", via="tile")
    session.refresh_from_db()
    assert session.read_count == 22
    assert AuditEvent.objects.filter(action=SESSION_START).count() == 1


def test_stewards_see_the_sessions_in_the_admin(admin_client, db):
    pixel_reads_record(user=UserFactory(), image_accession="BPIM0000000001", via="tile")
    response = admin_client.get("/admin/access/pixelreadsession/")
    assert response.status_code == 200 and b"BPIM0000000001" in response.content
