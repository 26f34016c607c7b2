"""Repository tasks: thin wrappers around services."""

from bigpicture.tasks import portal_task
from repository.services import public_exports


@portal_task(queue="default")
def public_export_build(version_id: int) -> str:
    """Build (or verify) the public metadata zip of a published version; returns its storage key."""
    version = public_exports.public_export_build(version_id=version_id)
    return version.public_export_name if version else ""


@portal_task(queue="default")
def withdrawn_public_files_remove(dataset_id: int) -> int:
    """Remove a withdrawn dataset's objects from the public storage area."""
    return public_exports.withdrawn_public_files_remove(dataset_id=dataset_id)
