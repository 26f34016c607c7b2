from django.core.management.base import BaseCommand

from bigpicture.demo import demo_seed


class Command(BaseCommand):
    help = "Create the demo organisation, one account per role, and demo content (idempotent)."

    def handle(self, *args, **options):
        for account in demo_seed():
            self.stdout.write(f"  {account.role.label:<18} {account.username:<12} {account.password}")
