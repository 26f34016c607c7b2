"""`dataset_status <accession> deprecated|withdrawn|released --reason "..."`: change a dataset's status.

For admins and scripts; the admin's deprecate and withdraw actions do the same.
Exit status 0 on success, 1 when the change is refused (unknown accession,
a transition that is not allowed, a missing reason), 2 on bad arguments.
"""

from django.core.management.base import BaseCommand, CommandError

from bigpicture.errors import UserError
from repository.models import Dataset, DatasetStatus
from repository.services.datasets import dataset_status_change

STATUSES = (DatasetStatus.DEPRECATED, DatasetStatus.WITHDRAWN, DatasetStatus.RELEASED)


class Command(BaseCommand):
    help = "Deprecate, withdraw or re-release a dataset. The reason is shown on its landing page."

    def add_arguments(self, parser):
        parser.add_argument("accession", help="dataset accession, e.g. bp-dataset-6dn9zp-yxcfb4")
        parser.add_argument("status", choices=[str(status) for status in STATUSES])
        parser.add_argument("--reason", default="", help="why; required to deprecate or withdraw")

    def handle(self, *args, accession: str, status: str, reason: str, **options):
        dataset = Dataset.objects.filter(accession=accession).first()
        if dataset is None:
            raise CommandError(f"no dataset with accession {accession!r}; check it on the dataset's landing page")
        if dataset.status == status:
            self.stdout.write(f"{accession} is already {status}; nothing to do.")
            return
        try:
            dataset = dataset_status_change(dataset=dataset, status=status, reason=reason)
        except UserError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(self.style.SUCCESS(f"{accession} is now {dataset.status}."))
