"""Issuing accessions: unique, registered, and never reused."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction

from repository.accessions import accession_candidate
from repository.models import Accession

_BATCH = 2000


@transaction.atomic
def accessions_mint(*, type: str, aliases: list[str], dataset_accession: str = "",
                    center: str | None = None) -> dict[str, str]:
    """Issue one new accession per alias, in batches; returns {alias: accession}."""
    center = center or settings.ACCESSION_CENTER
    issued: dict[str, str] = {}
    for start in range(0, len(aliases), _BATCH):
        batch = aliases[start:start + _BATCH]
        wanted = {accession_candidate(center=center, type=type): alias for alias in batch}
        # Redraw the (astronomically rare) candidates that collide with each other or the registry.
        while len(wanted) < len(batch) or Accession.objects.filter(accession__in=wanted).exists():
            taken = set(Accession.objects.filter(accession__in=wanted).values_list("accession", flat=True))
            kept = {acc: alias for acc, alias in wanted.items() if acc not in taken}
            missing = [alias for alias in batch if alias not in kept.values()]
            kept.update({accession_candidate(center=center, type=type): alias for alias in missing})
            wanted = kept
        Accession.objects.bulk_create(
            Accession(accession=acc, type=type, dataset_accession=dataset_accession, alias=alias)
            for acc, alias in wanted.items()
        )
        issued.update({alias: acc for acc, alias in wanted.items()})
    return issued


def accession_mint(*, type: str, alias: str = "", dataset_accession: str = "") -> str:
    return accessions_mint(type=type, aliases=[alias], dataset_accession=dataset_accession)[alias]
