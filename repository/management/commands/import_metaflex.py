"""`import_metaflex <bundle_dir>`: the admin's path to publish a MetaFleX bundle at once.

Bad input never ends in a traceback: whatever the import raises for it becomes a
report line (and the --json report), and the command exits with status 1.
"""

import json

from django.core.management.base import BaseCommand, CommandError

from access.models import Organisation
from metaflex.types import Report
from repository.services import ImportResult, dataset_import
from repository.services.import_errors import IMPORT_ERRORS, import_problem


class Command(BaseCommand):
    help = "Validate a MetaFleX 2.0 bundle and publish it as a new dataset (version). Exit status 1 on any error."

    def add_arguments(self, parser):
        parser.add_argument("bundle_dir")
        parser.add_argument("--organisation", help="slug of the contributing organisation (default: the one "
                                                   "named in PRIVATE/organisation.xml, created if new)")
        parser.add_argument("--dry-run", action="store_true", help="validate and rehearse; write nothing")
        parser.add_argument("--changelog", default="", help="what changed, for a new version")
        parser.add_argument("--json", dest="json_report", help="also write the report as JSON to this file")
        parser.add_argument("--accept-foreign-accessions", action="store_true",
                            help="keep accessions this repository never issued (e.g. another centre's); "
                                 "the version records them")

    def handle(self, *args, bundle_dir, organisation, dry_run, changelog, json_report, accept_foreign_accessions,
               **options):
        owner = None
        if organisation:
            owner = Organisation.objects.filter(slug=organisation).first()
            if owner is None:
                raise CommandError(f"no organisation with slug {organisation!r}; create it in the admin first")
        try:
            result = dataset_import(bundle_dir=bundle_dir, organisation=owner, changelog=changelog,
                                    dry_run=dry_run, allow_accessions=True,
                                    accept_foreign_accessions=accept_foreign_accessions)
        except IMPORT_ERRORS as error:
            result = ImportResult(report=Report(problems=[import_problem(error)]), dry_run=dry_run)
        if json_report:
            self._write_json(json_report, result)
        if result.report.problems:
            self.stdout.write(result.report.format())
        if not result.ok:
            raise CommandError(f"{bundle_dir}: not imported; fix the {len(result.report.errors)} error(s) above.")
        counts = ", ".join(f"{n} {kind}" for kind, n in sorted(result.counts.items()))
        verb = "would publish" if dry_run else "published"
        self.stdout.write(self.style.SUCCESS(
            f"{verb} {result.dataset.accession} version {result.version.number}: {counts}"))

    def _write_json(self, path: str, result: ImportResult) -> None:
        try:
            with open(path, "w") as handle:
                json.dump({**result.report.to_json(), "counts": result.counts,
                           "dataset": result.dataset.accession if result.dataset else None,
                           "version": result.version.number if result.version else None}, handle, indent=2)
        except OSError as error:
            self.stdout.write(result.report.format())
            done = "rehearsed" if result.dry_run else "published"
            outcome = f"{result.dataset.accession} version {result.version.number} was {done}" if result.ok \
                else "nothing was imported"
            raise CommandError(f"cannot write the JSON report to {path} ({error.strerror}); {outcome}.") from None
