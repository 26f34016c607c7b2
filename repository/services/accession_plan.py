"""Which accession each object of an import gets: kept from the previous version, supplied, or new.

An accession belongs to one object of one dataset. A bundle may carry accessions
only for objects this repository issued to the same dataset before, as on
re-importing an export. `AccessionPlan.check_supplied` checks every supplied
accession before anything is written and refuses, naming each one:

- accession.other_dataset: it belongs to an object of another dataset;
- accession.conflict: it belongs to another object (alias or type) of this dataset;
- accession.mismatch: the current version gives this alias another accession;
- accession.duplicate: the bundle gives it to two objects;
- accession.unknown: this repository never issued it (another centre's, or made
  up). The admin import may accept these with `--accept-foreign-accessions`;
  they are then registered as `foreign` and recorded on the version.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings

from metaflex.accession import ACCESSION_RE
from metaflex.schema import ENTITIES
from metaflex.types import Entity, Problem, Report
from repository import models as m
from repository.selectors.versions import VersionIndex
from repository.services.accessions import accessions_mint
from repository.services.import_errors import import_reject
from repository.services.rows import ACCESSION_TYPE

_CHUNK = 2000


def _problem(rule: str, entity: Entity, message: str) -> Problem:
    return Problem(rule=rule, file=entity.source_file, line=entity.line, element=ENTITIES[entity.kind].element,
                   alias=entity.alias, message=message)


class AccessionPlan:
    def __init__(self, previous: VersionIndex, report: Report, *, dataset_accession: str = "",
                 accept_foreign: bool = False):
        self.previous = previous
        self.report = report
        # The dataset's accession: known when it exists or the bundle names it, else "" until minted.
        self.dataset_accession_value = dataset_accession
        self.accept_foreign = accept_foreign
        # Accessions no repository row knows, accepted with accept_foreign; registered as they are used.
        self.foreign: list[str] = []
        self._unregistered: set[str] = set()
        self._checked = False

    # -- checking what the bundle supplies ------------------------------------------------------

    def check_supplied(self, entities: Iterable[Entity]) -> None:
        """Check every accession the bundle carries against the registry; refuse with all problems."""
        problems: list[Problem] = []
        given: dict[str, str] = {}  # accession -> alias, across the bundle
        chunk: list[Entity] = []
        for entity in entities:
            if not entity.accession:
                continue
            first = given.setdefault(entity.accession, entity.alias)
            if first != entity.alias:
                problems.append(_problem("accession.duplicate", entity,
                                         f"accession {entity.accession} is also given to {first!r}; an accession "
                                         "belongs to one object. Remove it from one of them."))
                continue
            chunk.append(entity)
            if len(chunk) >= _CHUNK:
                problems.extend(self._check_chunk(chunk))
                chunk = []
        problems.extend(self._check_chunk(chunk))
        self._checked = True
        if problems:
            import_reject(self.report, *problems)

    def _check_chunk(self, entities: list[Entity]) -> list[Problem]:
        if not entities:
            return []
        registered = {a.accession: a for a in m.Accession.objects.filter(
            accession__in=[e.accession for e in entities])}
        problems = []
        for entity in entities:
            problem = self._check_one(entity, registered.get(entity.accession))
            if problem is not None:
                problems.append(problem)
        return problems

    def _check_one(self, entity: Entity, known: m.Accession | None) -> Problem | None:
        accession = entity.accession
        kept = self.previous.objects.get(entity.alias)
        if known is None and not self.accept_foreign:
            return _problem("accession.unknown", entity, f"{self._never_issued(accession)} Remove it, and the "
                                                         "repository assigns a new one.")
        if known is not None and entity.kind != "dataset" and (
                not self.dataset_accession_value or known.dataset_accession != self.dataset_accession_value):
            owner = f"dataset {known.dataset_accession}" if known.dataset_accession else "no dataset"
            return _problem("accession.other_dataset", entity,
                            f"accession {accession} belongs to {known.type} {known.alias!r} of {owner}, and an "
                            "accession belongs to one object of one dataset. Remove it to get a new one.")
        if kept and kept[1] != accession:
            return _problem("accession.mismatch", entity,
                            f"{entity.alias!r} has accession {kept[1]} in the current version, not {accession}; "
                            "remove the accession or correct it.")
        if known is None:
            self._unregistered.add(accession)
        elif known.type != ACCESSION_TYPE[entity.kind] or (known.alias and known.alias != entity.alias):
            return _problem("accession.conflict", entity,
                            f"accession {accession} already belongs to {known.type} {known.alias!r}; accessions "
                            "are never reused. Remove it to get a new one.")
        return None

    @staticmethod
    def _never_issued(accession: str) -> str:
        match = ACCESSION_RE.match(accession)
        ours = settings.ACCESSION_CENTER
        if match and match["center"] != ours:
            return (f"accession {accession} has the prefix of another centre ({match['center']!r}); this "
                    f"repository issues {ours!r} accessions and never issued this one.")
        return f"accession {accession} was never issued by this repository."

    # -- assigning ------------------------------------------------------------------------------

    def dataset_accession(self, entity: Entity) -> str:
        """The accession of a new dataset: the checked one the bundle supplies, or a new one."""
        if entity.accession:
            self._register_foreign("dataset", [entity], dataset_accession=entity.accession)
            return entity.accession
        return accessions_mint(type="dataset", aliases=[entity.alias])[entity.alias]

    def accessions_for(self, kind: str, batch: list[Entity]) -> dict[str, str]:
        accession_type = ACCESSION_TYPE[kind]
        result: dict[str, str] = {}
        supplied = [entity for entity in batch if entity.accession]
        if supplied and not self._checked:
            raise RuntimeError("supplied accessions must go through check_supplied before they are used")
        for entity in batch:
            kept = self.previous.objects.get(entity.alias)
            if entity.accession:
                result[entity.alias] = entity.accession
            elif kept and kept[0] == kind:
                result[entity.alias] = kept[1]
        self._register_foreign(accession_type, supplied, dataset_accession=self.dataset_accession_value)
        new = [e.alias for e in batch if e.alias not in result]
        if new:
            result.update(accessions_mint(type=accession_type, aliases=new,
                                          dataset_accession=self.dataset_accession_value))
        return result

    def _register_foreign(self, accession_type: str, entities: list[Entity], *, dataset_accession: str) -> None:
        foreign = [e for e in entities if e.accession in self._unregistered]
        m.Accession.objects.bulk_create(
            m.Accession(accession=e.accession, type=accession_type, alias=e.alias,
                        dataset_accession=dataset_accession, foreign=True)
            for e in foreign
        )
        self.foreign.extend(e.accession for e in foreign)

    def file_accessions(self, keys: list[tuple[str, str]]) -> dict[tuple[str, str], str]:
        result = {key: self.previous.files[key] for key in keys if key in self.previous.files}
        new = [key for key in keys if key not in result]
        minted = accessions_mint(type="file", aliases=[f"{name}@{checksum}" for name, checksum in new],
                                 dataset_accession=self.dataset_accession_value)
        result.update({key: minted[f"{key[0]}@{key[1]}"] for key in new})
        return result

    # -- the changelog --------------------------------------------------------------------------

    def change_of(self, alias: str, kind: str, accession: str, digest: str) -> dict[str, str] | None:
        """The change against the previous version; a first version has no changelog of objects."""
        if not self.previous.objects:
            return None
        kept = self.previous.objects.get(alias)
        if kept is None:
            return {"accession": accession, "type": kind, "alias": alias, "change": "added"}
        if kept[2] != digest:
            return {"accession": accession, "type": kind, "alias": alias, "change": "changed"}
        return None

    def removed(self, seen: set[str]) -> list[dict[str, str]]:
        return [{"accession": accession, "type": kind, "alias": alias, "change": "removed"}
                for alias, (kind, accession, _) in self.previous.objects.items() if alias not in seen]
