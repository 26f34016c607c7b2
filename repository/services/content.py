"""How a parsed MetaFleX entity is stored: its JSON document and content hash."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from metaflex.types import Entity, Ref, attributes_to_json, field_to_json

# Other datasets are referred to by accession; everything else by alias within the dataset.
BY_ACCESSION = "COMPLEMENTS_DATASET_REF"


def refs_to_json(entity: Entity) -> dict[str, list[dict[str, Any]]]:
    """References by alias: the repository fills in accessions on export."""
    return {
        element: [{"kind": r.kind, "alias": r.alias, **({"accession": r.accession} if element == BY_ACCESSION else {})}
                  for r in refs]
        for element, refs in entity.refs.items()
    }


def entity_document(entity: Entity) -> dict[str, Any]:
    return {
        "fields": field_to_json(entity.fields),
        "refs": refs_to_json(entity),
        "attributes": attributes_to_json(entity.attributes),
    }


# One encoder for every call: `json.dumps` with options builds a new one each time.
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode


def canonical_json(value: Any) -> str:
    """JSON with sorted keys and no spaces: the same value always gives the same text."""
    return _CANONICAL(value)


def content_hash(document: dict[str, Any], files: list[dict[str, Any]] | None = None) -> str:
    """SHA-256 of the entity's content; equal hashes mean the object did not change."""
    return content_hash_of_json({key: canonical_json(value) for key, value in document.items()}, files)


def content_hash_of_json(document_json: dict[str, str], files: list[dict[str, Any]] | None = None) -> str:
    """`content_hash` from the document's parts already in `canonical_json`, so an import encodes each once.

    The text hashed is `canonical_json({**document, "files": files})`, assembled from its parts;
    stored hashes depend on these exact bytes, so they must not change.
    """
    parts = {**document_json, "files": canonical_json(files or [])}
    canonical = "{" + ",".join(f"{json.dumps(key)}:{parts[key]}" for key in sorted(parts)) + "}"
    return hashlib.sha256(canonical.encode()).hexdigest()


def file_document(entry) -> dict[str, Any]:
    return {"filename": entry.filename, "checksum": entry.checksum, "filetype": entry.filetype,
            "unencrypted_checksum": entry.unencrypted_checksum or ""}


def refs_with_accessions(refs: dict[str, list[dict[str, Any]]], accession_of: dict[str, str],
                         ) -> dict[str, list[Ref]]:
    """Stored references with each target's accession filled in (aliases are unique per dataset)."""
    return {
        element: [Ref(kind=r["kind"], alias=r["alias"], accession=r.get("accession") or accession_of.get(r["alias"]))
                  for r in items]
        for element, items in refs.items()
    }
