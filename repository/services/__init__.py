"""Writes for the repository. Import from the concept modules, re-exported here."""

from repository.services.accessions import accession_mint, accessions_mint
from repository.services.imports import ImportResult, dataset_import

__all__ = ["ImportResult", "accession_mint", "accessions_mint", "dataset_import"]
