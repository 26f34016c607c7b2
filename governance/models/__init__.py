"""Governance: the audit log, the agreements organisations sign, and pseudonymisation key custody."""

from governance.models.agreements import Agreement, AgreementKind, AgreementVersion, Signature
from governance.models.audit import AppendOnlyError, AuditEvent, AuditVerification
from governance.models.pseudonyms import PseudonymEntry, PseudonymKey, PseudonymKeyState

__all__ = ["Agreement", "AgreementKind", "AgreementVersion", "AppendOnlyError", "AuditEvent",
           "AuditVerification", "PseudonymEntry", "PseudonymKey", "PseudonymKeyState", "Signature"]
