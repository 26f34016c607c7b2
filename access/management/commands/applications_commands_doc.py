"""`manage.py applications_commands_doc [--check]`: write (or check) access/applications/COMMANDS.md."""

from django.core.management.base import BaseCommand, CommandError

from access.applications.docs import DOC_PATH, commands_markdown


class Command(BaseCommand):
    help = "Write the access-application permission and command tables to access/applications/COMMANDS.md."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="fail if the file is not current")

    def handle(self, *args, check, **options):
        text = commands_markdown()
        if check:
            if not DOC_PATH.exists() or DOC_PATH.read_text() != text:
                raise CommandError(f"{DOC_PATH} is out of date; run manage.py applications_commands_doc")
            self.stdout.write("current")
            return
        DOC_PATH.write_text(text)
        self.stdout.write(f"wrote {DOC_PATH}")
