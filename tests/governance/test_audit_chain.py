"""The audit log is append-only and hash-chained; tampering is detected."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from governance.models import AppendOnlyError, AuditEvent
from governance.services import audit_chain_check, audit_record, audit_verification_run


def _write_events(user, count=3):
    return [audit_record(actor=user, action="dataset.view", target=user, detail={"n": n}) for n in range(count)]


def _raw(sql: str, params=()) -> None:
    """Run SQL as an attacker with database access would, bypassing the triggers."""
    table = AuditEvent._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
            cursor.execute(sql, params)
            cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
        else:
            cursor.execute("DROP TRIGGER governance_audit_no_update")
            cursor.execute(sql, params)


def test_events_link_to_their_predecessor(db, user_factory):
    first, second, third = _write_events(user_factory())
    assert [first.sequence, second.sequence, third.sequence] == [1, 2, 3]
    assert second.previous_hash == first.hash and third.previous_hash == second.hash
    report = audit_chain_check()
    assert report.ok and report.rows_checked == 3


def test_records_actor_target_and_detail(db, user_factory):
    user = user_factory(username="pathologist")
    event = audit_record(actor=user, action="image.view", target=user, detail={"frame": 7},
                         ip_address="192.0.2.1")
    event.refresh_from_db()
    assert (event.actor_repr, event.target_type, event.target_id) == ("pathologist", "access.user", str(user.pk))
    assert event.detail == {"frame": 7} and event.ip_address == "192.0.2.1"
    assert audit_record(actor=None, action="system.start").actor_repr == "system"


def test_orm_refuses_update_and_delete(db, user_factory):
    event = _write_events(user_factory(), 1)[0]
    event.action = "forged"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()


def test_database_refuses_update(db, user_factory):
    _write_events(user_factory(), 1)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.update(action="forged")


@pytest.mark.postgres
def test_postgres_refuses_delete(db, user_factory):
    _write_events(user_factory(), 1)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.all()._raw_delete(AuditEvent.objects.db)


def test_modified_row_is_detected(db, user_factory):
    _write_events(user_factory())
    _raw(f"UPDATE {AuditEvent._meta.db_table} SET action = %s WHERE sequence = 2", ["forged"])
    report = audit_chain_check()
    assert not report.ok and report.first_bad_sequence == 2
    assert "modified" in report.message
    with pytest.raises(CommandError, match="TAMPERED"):
        call_command("verify_audit_log")


def test_deleted_row_is_detected(db, user_factory):
    _write_events(user_factory())
    _raw(f"DELETE FROM {AuditEvent._meta.db_table} WHERE sequence = 2")
    report = audit_chain_check()
    assert not report.ok and "missing" in report.message


def test_rows_cut_from_the_end_are_detected(db, user_factory):
    _write_events(user_factory())
    assert audit_verification_run(checked_by="test").last_sequence == 3
    _raw(f"DELETE FROM {AuditEvent._meta.db_table} WHERE sequence >= 2")
    report = audit_chain_check()
    assert not report.ok and "now missing" in report.message


def test_rehashed_row_still_breaks_the_link(db, user_factory):
    from governance.chain import hash_of_row

    _write_events(user_factory())
    row = AuditEvent.objects.get(sequence=2)
    row.action = "forged"
    _raw(f"UPDATE {AuditEvent._meta.db_table} SET action = %s, hash = %s WHERE sequence = 2",
         ["forged", hash_of_row(row)])
    report = audit_chain_check()
    assert not report.ok and report.first_bad_sequence == 3


def test_intact_log_passes_the_command(db, user_factory, capsys):
    _write_events(user_factory())
    call_command("verify_audit_log")
    assert "3 audit rows verified" in capsys.readouterr().out


def test_verification_run_is_stored(db, user_factory):
    _write_events(user_factory())
    run = audit_verification_run(checked_by="test")
    assert run.ok and run.rows_checked == 3 and run.checked_by == "test"
