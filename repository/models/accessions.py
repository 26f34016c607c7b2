"""The accession registry: every accession ever issued, so none is reused.

Each row says which object of which dataset the accession belongs to; an import may
reuse an accession only for that object (see `services.accession_plan`). `foreign`
marks accessions another repository issued, accepted by an admin import with
`--accept-foreign-accessions`.
"""

from django.db import models

from repository.models.base import AccessionType


class Accession(models.Model):
    accession = models.CharField(max_length=40, primary_key=True)
    type = models.CharField(max_length=20, choices=AccessionType.choices)
    dataset_accession = models.CharField(max_length=40, blank=True, db_index=True)
    # An object's alias, or "<filename>@<checksum>" for a file (a path: no length limit of ours).
    alias = models.TextField(blank=True)
    foreign = models.BooleanField(default=False, help_text="Issued by another repository and accepted on import")
    created = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.accession
