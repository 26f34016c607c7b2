"""Governance: the audit log, and the agreements organisations sign."""

from governance.models.agreements import Agreement, AgreementKind, AgreementVersion, Signature
from governance.models.audit import AppendOnlyError, AuditEvent, AuditVerification

__all__ = ["Agreement", "AgreementKind", "AgreementVersion", "AppendOnlyError", "AuditEvent",
           "AuditVerification", "Signature"]
