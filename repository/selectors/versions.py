"""Reads of a whole dataset version, streamed in chunks."""

from __future__ import annotations

from dataclasses import dataclass, field

from repository import models as m
from repository.models.kinds import FILE_MODELS_BY_KIND, MODELS


@dataclass
class VersionIndex:
    """What a version holds, by alias: (kind, accession, content hash); and its files' accessions."""

    objects: dict[str, tuple[str, str, str]] = field(default_factory=dict)
    files: dict[tuple[str, str], str] = field(default_factory=dict)

    @classmethod
    def of(cls, version: m.DatasetVersion | None) -> VersionIndex:
        previous = cls()
        if version is None:
            return previous
        for kind, model in MODELS.items():
            for alias, accession, digest in model.objects.filter(version=version).values_list(
                    "alias", "accession", "content_hash").iterator(chunk_size=5000):
                previous.objects[alias] = (kind, accession, digest)
        for file_model, owner in FILE_MODELS_BY_KIND.values():
            for filename, checksum, accession in file_model.objects.filter(**{f"{owner}__version": version}) \
                    .values_list("filename", "checksum", "accession").iterator(chunk_size=5000):
                previous.files[(filename, checksum)] = accession
        return previous
