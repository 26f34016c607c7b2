"""`storage_sweep`: finish storage moves a crash interrupted and delete staged objects no commit claims."""

from django.core.management.base import BaseCommand, CommandError

from bigpicture.staging import storage_sweep


class Command(BaseCommand):
    help = ("Move the staged objects of committed transactions into place, and delete staged objects that "
            "no committed transaction claims once older than the grace period. Exit status 1 if a move fails.")

    def add_arguments(self, parser):
        parser.add_argument("--grace", type=int, default=None, metavar="SECONDS",
                            help="age after which unclaimed staged objects are deleted "
                                 "(default: STORAGE_STAGING_GRACE_SECONDS)")

    def handle(self, *args, grace, **options):
        result = storage_sweep(grace_seconds=grace)
        self.stdout.write(f"storage sweep: {result.moved} moved into place, {result.removed} abandoned "
                          f"staged objects deleted, {result.failed} moves failed")
        if result.failed:
            raise CommandError(f"{result.failed} committed object(s) could not be moved into place; "
                               "see the log for each and restore them from their source.")
