"""Dataset lifecycle: released datasets can be deprecated, and any published one withdrawn.

Withdrawal is final: the landing page becomes a tombstone and, once the change
commits, a task deletes the dataset's objects from the public storage area.
"""

from __future__ import annotations

from django.db import transaction

from bigpicture.errors import UserError
from governance.services import audit_record
from repository.models import Dataset, DatasetStatus
from repository.tasks import withdrawn_public_files_remove

TRANSITIONS: dict[str, set[str]] = {
    DatasetStatus.REGISTERED: {DatasetStatus.RELEASED},
    DatasetStatus.RELEASED: {DatasetStatus.DEPRECATED, DatasetStatus.WITHDRAWN},
    DatasetStatus.DEPRECATED: {DatasetStatus.RELEASED, DatasetStatus.WITHDRAWN},
    DatasetStatus.WITHDRAWN: set(),
}


@transaction.atomic
def dataset_status_change(*, dataset: Dataset, status: str, reason: str, actor=None) -> Dataset:
    """Move the dataset to `status`; deprecation and withdrawal need a reason people will read."""
    dataset = Dataset.objects.select_for_update().get(pk=dataset.pk)
    if status not in TRANSITIONS[dataset.status]:
        raise UserError(f"{dataset.accession} is {dataset.status}; it cannot become {status}.")
    if status in (DatasetStatus.DEPRECATED, DatasetStatus.WITHDRAWN) and not reason.strip():
        raise UserError(f"say why {dataset.accession} is {status}: the reason is shown on its landing page.")
    previous = dataset.status
    dataset.status = status
    dataset.status_reason = reason.strip()
    dataset.save(update_fields=["status", "status_reason"])
    audit_record(actor=actor, action=f"dataset.{status}", target=dataset,
                 detail={"from": previous, "to": status, "reason": dataset.status_reason})
    if status == DatasetStatus.WITHDRAWN:
        withdrawn_public_files_remove.dispatch(dataset.pk)
    return dataset
