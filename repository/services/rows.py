"""Turning streamed entities into database rows, in batches.

`RowWriter` keeps one small map, alias -> (model, primary key), so references
become foreign keys without reading the bundle twice; everything else is
written in batches of `BATCH` (with COPY on PostgreSQL, see `bigpicture.bulk`)
and dropped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import models

from bigpicture.bulk import rows_insert, values_insert
from metaflex.schema import OBSERVATION_TARGET_REFS
from metaflex.types import Entity, attributes_to_json
from repository import models as m
from repository.models import OBSERVATION_TARGET_FIELDS
from repository.models.kinds import MODELS
from repository.services.content import canonical_json, content_hash_of_json, entity_document, file_document

BATCH = 1000

ACCESSION_TYPE = {
    "policy": "policy", "landing_page": "landing_page", "rems": "rems", "organisation": "organisation",
    "biological_being": "sample", "case": "sample", "specimen": "sample", "block": "sample", "slide": "sample",
    "staining": "staining", "image": "image", "annotation": "annotation", "observer": "observer",
    "observation": "observation", "dataset": "dataset",
}
# Observation target element -> Observation field (both lists are in XSD order).
OBSERVATION_TARGET_FIELD = {ref.name: target for ref, target in zip(OBSERVATION_TARGET_REFS, OBSERVATION_TARGET_FIELDS,
                                                                    strict=True)}


@dataclass
class PreparedRow:
    entity: Entity
    row: models.Model
    files: list[dict[str, Any]] = field(default_factory=list)


class RowWriter:
    def __init__(self, version: m.DatasetVersion):
        self.version = version
        self.pk_of: dict[str, tuple[str, int]] = {}
        # JSON each row's document was hashed from, by id(row), reused by the insert; the row is
        # kept with it so that its id cannot be reused before `write` takes it.
        self._json: dict[int, tuple[models.Model, dict[str, str]]] = {}

    def pk(self, entity: Entity, element: str) -> int | None:
        ref = entity.ref(element)
        return self.pk_of[ref.alias][1] if ref else None

    def pks(self, entity: Entity, element: str, kind: str | None = None) -> list[int]:
        found = (self.pk_of[r.alias] for r in entity.refs.get(element, []))
        return [pk for ref_kind, pk in found if kind is None or ref_kind == kind]

    def row_for(self, entity: Entity, accession: str, files: list[dict[str, Any]]) -> models.Model:
        document = entity_document(entity)
        document_json = {key: canonical_json(value) for key, value in document.items()}
        fields = dict(version_id=self.version.pk, alias=entity.alias, accession=accession,
                      content_hash=content_hash_of_json(document_json, files), **document)
        kind, f = entity.kind, entity.fields
        if kind == "landing_page":
            fields["rems_access_link"] = f.get("REMS_ACCESS_LINK") or ""
        elif kind == "rems":
            fields.update(workflow_id=f.get("WORKFLOW_ID") or "", organisation_id=f.get("ORGANISATION_ID") or "")
        elif kind == "organisation":
            fields.update(name=f.get("NAME") or "", pic_code=f.get("PIC_CODE") or "",
                          datamanager_perun_group=f.get("DATAMANAGER_PERUN_GROUP") or "")
        elif kind == "case":
            fields["being_id"] = self.pk(entity, "BIOLOGICAL_BEING_REF")
        elif kind == "specimen":
            fields.update(being_id=self.pk(entity, "EXTRACTED_FROM_REF"), case_id=self.pk(entity, "PART_OF_CASE_REF"))
        elif kind == "slide":
            fields.update(block_id=self.pk(entity, "CREATED_FROM_REF"),
                          staining_id=self.pk(entity, "STAINING_INFORMATION_REF"))
        elif kind == "staining":
            fields.update(procedure_information=attributes_to_json(f.get("PROCEDURE_INFORMATION")),
                          stains=[attributes_to_json(stain) for stain in f.get("STAIN") or []])
        elif kind == "image":
            fields["image_type"] = f.get("IMAGE_TYPE") or ""
        elif kind == "annotation":
            fields["image_id"] = self.pk(entity, "IMAGE_REF")
        elif kind == "observer":
            fields["observer_type"] = f.get("OBSERVER_TYPE") or ""
        elif kind == "observation":
            for element, target in OBSERVATION_TARGET_FIELD.items():
                fields[f"{target}_id"] = self.pk(entity, element)
            statement = f.get("STATEMENT") or {}
            fields.update(statement_type=statement.get("STATEMENT_TYPE") or "",
                          statement_status=statement.get("STATEMENT_STATUS") or "",
                          codes=attributes_to_json(statement.get("CODE_ATTRIBUTES")) or [],
                          custom_attributes=attributes_to_json(statement.get("CUSTOM_ATTRIBUTES")),
                          freetext=statement.get("FREETEXT"))
        row = MODELS[kind](**fields)
        self._json[id(row)] = (row, {key: text for key, text in document_json.items() if document[key] is not None})
        return row

    def write(self, prepared: list[PreparedRow], *, file_row: Callable[[models.Model, dict], models.Model] | None,
              ) -> None:
        """Insert one batch of one kind, then its many-to-many links and files."""
        if not prepared:
            return
        json_texts = [entry[1] if (entry := self._json.pop(id(p.row), None)) and entry[0] is p.row else {}
                      for p in prepared]
        created = rows_insert([p.row for p in prepared], json_texts=json_texts)
        for item, row in zip(prepared, created, strict=True):
            self.pk_of[item.entity.alias] = (item.entity.kind, row.pk)
        self._link(prepared, created)
        if file_row is not None:
            rows = [file_row(row, file) for item, row in zip(prepared, created, strict=True) for file in item.files]
            rows_insert(rows)

    def _link(self, prepared: list[PreparedRow], created: Iterable[models.Model]) -> None:
        kind = prepared[0].entity.kind
        links = {
            "block": (m.Block.specimens.through, "block_id", "specimen_id", "SAMPLED_FROM_REF", "specimen"),
            "image": (m.Image.slides.through, "image_id", "slide_id", "IMAGE_OF", "slide"),
            "observation": (m.Observation.observers.through, "observation_id", "observer_id", "OBSERVER_REF", None),
        }.get(kind)
        if not links:
            return
        through, own, other, element, target_kind = links
        values_insert(through, (own, other), (
            (row.pk, pk) for item, row in zip(prepared, created, strict=True)
            for pk in self.pks(item.entity, element, target_kind)))


def file_documents(entity: Entity) -> list[dict[str, Any]]:
    return [file_document(entry) for entry in entity.files]


class DependencyBatcher:
    """Groups a stream of entities into per-kind batches so every reference is written first.

    Files list entities in any order (a SAMPLE_SET mixes beings, blocks and slides), so one
    streaming pass suffices: a batch is flushed early when a later entity refers into it, and
    an entity whose target has not been read yet waits for it (rare in real bundles).
    """

    def __init__(self, write_batch: Callable[[str, list[Entity]], None], is_written: Callable[[str], bool]):
        self.write_batch = write_batch
        self.is_written = is_written
        self.batches: dict[str, list[Entity]] = {}
        self.unflushed: dict[str, str] = {}
        self.waiting: dict[str, list[Entity]] = {}

    def add(self, entity: Entity) -> None:
        for _, ref in entity.all_refs():
            if self.is_written(ref.alias):
                continue
            if ref.alias in self.unflushed:
                self.flush(self.unflushed[ref.alias])
                continue
            self.waiting.setdefault(ref.alias, []).append(entity)
            return
        batch = self.batches.setdefault(entity.kind, [])
        batch.append(entity)
        self.unflushed[entity.alias] = entity.kind
        if len(batch) >= BATCH:
            self.flush(entity.kind)

    def flush(self, kind: str) -> None:
        batch = self.batches.pop(kind, [])
        if not batch:
            return
        self.write_batch(kind, batch)
        for entity in batch:
            del self.unflushed[entity.alias]
        for entity in batch:
            for released in self.waiting.pop(entity.alias, []):
                self.add(released)

    def close(self) -> None:
        while self.batches:
            self.flush(next(iter(self.batches)))
        if self.waiting:
            missing = ", ".join(sorted(self.waiting)[:5])
            raise RuntimeError(f"references to {missing} never resolved; validation should have refused this")
