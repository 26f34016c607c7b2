"""Reads for governance: the audit trail and its verification state."""

from __future__ import annotations

from django.db.models import QuerySet

from governance.models import AuditEvent, AuditVerification


def audit_events_for(*, target_type: str, target_id: str) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(target_type=target_type, target_id=str(target_id))


def audit_verification_latest() -> AuditVerification | None:
    return AuditVerification.objects.order_by("-checked_at").first()
