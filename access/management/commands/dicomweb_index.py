"""`manage.py dicomweb_index [DATASET ...]`: (re)index the DICOM instances of the latest published versions."""

from django.core.management.base import BaseCommand
from django.db.models import F

from access.services.dicomweb_index import version_dicom_index
from repository.models import DatasetVersion


class Command(BaseCommand):
    help = "Fill the DICOMweb index from the headers of each dataset's latest published version."

    def add_arguments(self, parser):
        parser.add_argument("datasets", nargs="*", help="dataset accessions (default: every dataset)")

    def handle(self, *args, datasets, **options):
        versions = DatasetVersion.objects.filter(published_at__isnull=False, dataset__latest_version=F("pk"))
        if datasets:
            versions = versions.filter(dataset__accession__in=datasets)
        for version in versions.select_related("dataset").order_by("pk"):
            count = version_dicom_index(version=version)
            self.stdout.write(f"{version.dataset.accession} v{version.number}: {count} instances")
