from django.core.management.base import BaseCommand, CommandError

from governance.services import audit_chain_check


class Command(BaseCommand):
    help = "Recompute the audit log's hash chain and exit non-zero if any row was tampered with."

    def handle(self, *args, **options):
        report = audit_chain_check()
        if not report.ok:
            raise CommandError(f"audit log TAMPERED: {report.message}")
        self.stdout.write(self.style.SUCCESS(f"audit log intact: {report.message}"))
