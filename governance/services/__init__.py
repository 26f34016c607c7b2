"""Writes for governance: the audit log here (`audit_record`), agreements in `.agreements`,
pseudonyms and their keys in `.pseudonyms`."""

from governance.services.audit import (
    ChainReport,
    audit_chain_check,
    audit_record,
    audit_verification_run,
)

__all__ = ["ChainReport", "audit_chain_check", "audit_record", "audit_verification_run"]
