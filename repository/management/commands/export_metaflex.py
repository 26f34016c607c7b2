"""`export_metaflex <accession> <dir>`: write a dataset version as a MetaFleX bundle."""

from django.core.management.base import BaseCommand, CommandError

from bigpicture.errors import UserError
from repository.models import Dataset
from repository.services.exports import dataset_export


class Command(BaseCommand):
    help = "Export a dataset version as a MetaFleX 2.0 bundle with accessions filled in."

    def add_arguments(self, parser):
        parser.add_argument("accession", help="dataset accession")
        parser.add_argument("out_dir")
        parser.add_argument("--dataset-version", type=int, dest="number", help="version number (default: latest)")
        parser.add_argument("--metadata-only", action="store_true", help="write the XML only, no data files")

    def handle(self, *args, accession, out_dir, number, metadata_only, **options):
        dataset = Dataset.objects.filter(accession=accession).select_related("latest_version").first()
        if dataset is None:
            raise CommandError(f"no dataset with accession {accession!r}")
        version = dataset.versions.filter(number=number).first() if number else dataset.latest_version
        if version is None:
            raise CommandError(f"{accession} has no version {number}" if number else f"{accession} has no version")
        try:
            written = dataset_export(version=version, out_dir=out_dir, with_files=not metadata_only)
        except UserError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(self.style.SUCCESS(f"exported {accession} version {version.number} to {written}"))
