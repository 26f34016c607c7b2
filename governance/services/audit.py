"""Writes for the audit log. `audit_record` is the only way to write audit rows."""

from __future__ import annotations

import json
import socket
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone

from governance.chain import GENESIS_HASH, event_hash, hash_of_row
from governance.models import AuditEvent, AuditVerification

# Arbitrary constant: the advisory lock that serialises appends on PostgreSQL.
_AUDIT_LOCK_KEY = 7_310_402_119


def _lock_chain() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_AUDIT_LOCK_KEY])
    # SQLite runs write transactions one at a time (BEGIN IMMEDIATE), so no lock is needed.


def _actor_fields(actor) -> tuple[int | None, str]:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return None, "anonymous" if actor is not None else "system"
    return actor.pk, actor.get_username()


def audit_record(*, actor, action: str, target: Model | None = None, target_type: str = "",
                 target_id: str = "", detail: dict | None = None,
                 ip_address: str | None = None) -> AuditEvent:
    """Append one event to the audit chain, inside the caller's transaction."""
    if target is not None:
        target_type = target._meta.label_lower
        target_id = str(target.pk)
        target_repr = str(target)[:255]
    else:
        target_repr = ""
    # Round-trip through JSON so the hash covers exactly what the database stores.
    detail = json.loads(json.dumps(detail or {}, default=str))
    actor_id, actor_repr = _actor_fields(actor)
    with transaction.atomic():
        _lock_chain()
        last = AuditEvent.objects.order_by("-sequence").values("sequence", "hash").first()
        sequence = last["sequence"] + 1 if last else 1
        previous_hash = last["hash"] if last else GENESIS_HASH
        timestamp = timezone.now()
        fields = dict(
            sequence=sequence, timestamp=timestamp, actor_id=actor_id, actor_repr=actor_repr[:255],
            action=action, target_type=target_type, target_id=target_id, target_repr=target_repr,
            detail=detail, ip_address=ip_address, previous_hash=previous_hash,
        )
        event = AuditEvent(**fields, hash=event_hash(**fields))
        event.save()
    return event


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    rows_checked: int
    first_bad_sequence: int | None
    message: str
    last_sequence: int = 0
    last_hash: str = ""


def audit_chain_check() -> ChainReport:
    """Recompute every hash in order; report the first row that breaks the chain.

    Rows cut from the end leave a valid but shorter chain, so the head recorded
    by the last successful verification must still be there, unchanged.
    """
    expected_previous = GENESIS_HASH
    expected_sequence = 1
    checked = 0
    rows = AuditEvent.objects.order_by("sequence").iterator(chunk_size=2000)
    for row in rows:
        checked += 1
        if row.sequence != expected_sequence:
            return ChainReport(False, checked, row.sequence,
                               f"row #{expected_sequence} is missing: the chain jumps to #{row.sequence}")
        if row.previous_hash != expected_previous:
            return ChainReport(False, checked, row.sequence,
                               f"row #{row.sequence} does not link to its predecessor")
        if hash_of_row(row) != row.hash:
            return ChainReport(False, checked, row.sequence,
                               f"row #{row.sequence} was modified after it was written")
        expected_previous = row.hash
        expected_sequence += 1
    anchor = AuditVerification.objects.filter(ok=True).order_by("-last_sequence").first()
    if anchor and anchor.last_sequence >= expected_sequence:
        return ChainReport(False, checked, expected_sequence,
                           f"rows from #{expected_sequence} to at least #{anchor.last_sequence} were "
                           f"verified on {anchor.checked_at:%Y-%m-%d %H:%M} and are now missing")
    return ChainReport(True, checked, None, f"{checked} audit rows verified",
                       expected_sequence - 1, expected_previous if checked else "")


@transaction.atomic
def audit_verification_run(*, checked_by: str | None = None) -> AuditVerification:
    report = audit_chain_check()
    return AuditVerification.objects.create(
        ok=report.ok, rows_checked=report.rows_checked,
        first_bad_sequence=report.first_bad_sequence, message=report.message,
        last_sequence=report.last_sequence, last_hash=report.last_hash,
        checked_by=checked_by or socket.gethostname(),
    )
