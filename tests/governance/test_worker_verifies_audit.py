"""The real worker runs the audit chain verification task."""

import pytest

from governance.models import AuditVerification
from governance.services import audit_record
from governance.tasks import audit_chain_verify


@pytest.mark.worker
def test_worker_verifies_the_chain(celery_worker):
    audit_record(actor=None, action="system.start")
    worker = celery_worker()
    verification_pk = audit_chain_verify.apply_async(args=("pytest-worker",)).get(timeout=60)
    verification = AuditVerification.objects.get(pk=verification_pk)
    assert verification.ok and verification.rows_checked == 1, worker.log()
