"""The accession registry: every accession ever issued, so none is reused."""

from django.db import models

from repository.models.base import AccessionType


class Accession(models.Model):
    accession = models.CharField(max_length=40, primary_key=True)
    type = models.CharField(max_length=20, choices=AccessionType.choices)
    dataset_accession = models.CharField(max_length=40, blank=True, db_index=True)
    alias = models.CharField(max_length=255, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["dataset_accession", "type", "alias"])]

    def __str__(self) -> str:
        return self.accession
