"""Tasks of DICOMweb: index a published version's DICOM instances."""

from access.services.dicomweb_index import version_dicom_index
from bigpicture.tasks import portal_task
from repository.models import DatasetVersion


@portal_task(queue="default")
def dicomweb_index_build(version_id: int) -> int:
    """Index the DICOM instances of a published version (dispatched by version_publish)."""
    version = DatasetVersion.objects.filter(pk=version_id).first()
    return 0 if version is None else version_dicom_index(version=version)
