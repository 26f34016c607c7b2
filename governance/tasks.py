"""Governance tasks: thin wrappers around services."""

from bigpicture.tasks import portal_task
from governance import services


@portal_task(queue="default")
def audit_chain_verify(checked_by: str = "") -> int:
    return services.audit_verification_run(checked_by=checked_by or None).pk
