"""Writes for the repository. Import from the concept modules, re-exported here."""

from repository.services.accessions import accession_mint, accessions_mint

__all__ = ["accession_mint", "accessions_mint"]
