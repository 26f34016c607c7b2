"""`manage.py applications_rebuild [--check]`: compare (and rewrite) every application with its events."""

from django.core.management.base import BaseCommand, CommandError

from access.applications.rebuild import applications_rebuild


class Command(BaseCommand):
    help = "Rebuild each application's stored state from its events; --check only reports differences."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="change nothing; fail if any application differs")

    def handle(self, *args, check, **options):
        found = applications_rebuild(write=not check)
        for pk, names in found.items():
            self.stdout.write(f"application {pk}: {', '.join(names)} {'differ' if check else 'rebuilt'}")
        if check and found:
            raise CommandError(f"{len(found)} applications differ from their events")
        self.stdout.write(f"{len(found)} applications {'differ' if check else 'rebuilt'}")
