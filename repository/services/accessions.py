"""Issuing accessions: unique, registered, and never reused."""

from __future__ import annotations

from django.conf import settings
from django.db import IntegrityError, transaction

from bigpicture.bulk import values_insert
from repository.accessions import accession_candidates
from repository.models import Accession

_BATCH = 2000


@transaction.atomic
def accessions_mint(*, type: str, aliases: list[str], dataset_accession: str = "",
                    center: str | None = None) -> dict[str, str]:
    """Issue one new accession per alias, in batches; returns {alias: accession}."""
    center = center or settings.ACCESSION_CENTER
    issued: dict[str, str] = {}
    unique = list(dict.fromkeys(aliases))
    for start in range(0, len(unique), _BATCH):
        pending = unique[start:start + _BATCH]
        # Redraw the (astronomically rare) candidates that collide with each other or the registry.
        while pending:
            drawn = dict(zip(pending, accession_candidates(center=center, type=type, count=len(pending)),
                             strict=True))
            issued.update(_register(drawn, type=type, dataset_accession=dataset_accession))
            pending = [alias for alias in pending if alias not in issued]
    return issued


def _register(drawn: dict[str, str], *, type: str, dataset_accession: str) -> dict[str, str]:
    """Register the drawn {alias: accession} that are free; returns those that were."""
    fields = ("accession", "type", "dataset_accession", "alias")
    # The fast path: one COPY (on PostgreSQL). The unique index refuses a collision, also with
    # a concurrent import's uncommitted draw once that commits; only then look for the free ones.
    try:
        with transaction.atomic():
            values_insert(Accession, fields, [(accession, type, dataset_accession, alias)
                                              for alias, accession in drawn.items()])
        return drawn
    except IntegrityError:
        pass
    taken = set(Accession.objects.filter(accession__in=drawn.values()).values_list("accession", flat=True))
    free: dict[str, str] = {}
    for alias, accession in drawn.items():
        if accession not in taken:
            taken.add(accession)
            free[alias] = accession
    values_insert(Accession, fields, [(accession, type, dataset_accession, alias) for alias, accession in free.items()])
    return free


def accession_mint(*, type: str, alias: str = "", dataset_accession: str = "") -> str:
    return accessions_mint(type=type, aliases=[alias], dataset_accession=dataset_accession)[alias]
