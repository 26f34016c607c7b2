"""`public_exports_build [accession ...] [--all] [--dispatch]`: (re)build the public metadata zips.

By default builds those not built yet, here and now; `--all` also verifies
(size and SHA-256) and, where needed, rebuilds the stored ones; `--dispatch`
leaves the work to the Celery workers instead.
"""

from django.core.management.base import BaseCommand, CommandError

from bigpicture.errors import UserError
from repository.models import Dataset
from repository.selectors.visibility import public_export_candidates
from repository.services.public_exports import public_export_build
from repository.tasks import public_export_build as public_export_build_task


class Command(BaseCommand):
    help = "Build the public metadata zip (metaflex.zip) of published versions that lack one."

    def add_arguments(self, parser):
        parser.add_argument("accessions", nargs="*", help="only these datasets (default: all)")
        parser.add_argument("--all", action="store_true", dest="everything",
                            help="also verify, and rebuild if needed, zips that are stored already")
        parser.add_argument("--dispatch", action="store_true", help="queue the builds for the workers")

    def handle(self, *args, accessions, everything, dispatch, **options):
        unknown = set(accessions) - set(Dataset.objects.filter(accession__in=accessions)
                                        .values_list("accession", flat=True))
        if unknown:
            raise CommandError(f"no dataset with accession {', '.join(sorted(unknown))}")
        ids = list(public_export_candidates(accessions=accessions or None, missing_only=not everything)
                   .values_list("pk", flat=True))
        for version_id in ids:
            if dispatch:
                public_export_build_task.dispatch(version_id)
                continue
            try:
                version = public_export_build(version_id=version_id)
            except UserError as error:
                raise CommandError(str(error)) from None
            if version is not None:
                self.stdout.write(f"{version}: {version.public_export_name} ({version.public_export_size} bytes)")
        verb = "queued" if dispatch else "built or verified"
        self.stdout.write(self.style.SUCCESS(f"{len(ids)} public export(s) {verb}."))
