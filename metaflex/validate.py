"""Validate a MetaFleX 2.0 submission bundle and report every problem.

Memory design (two passes):

1. `validate_bundle` streams each XML file once (`parse.EntityReader`),
   checking each entity as it goes (structure, accessions, context rules,
   files and checksums) and keeping only small facts: the alias index (kind,
   location and accession per alias), pending references, the set of listed
   file paths, counts, and the five singleton entities. Entities are dropped
   right after their checks. For 65,407 images that is a few tens of MB.
2. The importer then reads the big collections again through the returned
   `Bundle` and stores each entity in its canonical form. With `spill=True`
   (the importer's call) the canonical entities built in pass 1 are kept in
   an anonymous temporary file (`spill.EntitySpill`) and read back from it
   (`Bundle.iter_canonical`), so the XML is not parsed twice; otherwise they
   are streamed from the XML again (`iter_entities`, then `Bundle.canonical`).
   What the DICOM headers add is kept for the images that need it only (one
   small tuple each).

A `Bundle` is returned only when the report has no errors; warnings do not
block it. Always show `report.format()` (or `report.to_json()`) to the user.

Rule ids (stable; `Problem.rule`). Errors block the import; warnings do not.

- xml.malformed, xml.entity: the file is not well-formed / declares a DOCTYPE
  (anywhere: the parser finds it) or uses an undeclared entity.
- layout.missing_file, layout.not_a_directory: bundle layout. observer.xml and
  annotation.xml may be left out (an empty *_SET is schema.required).
- schema.required, schema.unexpected, schema.order, schema.occurs,
  schema.enumeration, schema.pattern, schema.nil, schema.type, schema.choice:
  what `XMLSchema` reports with the official XSDs, no more and no less
  (`schema.is_xsd_rule`; the mutation suite in tests checks it).
- observation.target: an observation needs exactly one target reference (an XSD choice).
- Repository rules stricter than the XSDs (the file is XSD-valid): alias.empty
  (alias=""), value.empty (a blank TITLE, SHORT_NAME, VERSION, NAME, ...),
  xsi.type_unsupported (an xsi:type the XSDs allow but we do not read, e.g.
  xs:Name), image.type_content (elements inside <WSI_IMAGE>/<GROSS_IMAGE>).
- alias.duplicate, ref.unresolved, ref.kind, ref.accession: aliases and references.
- bundle.cardinality, observer.unreferenced: bundle-level counts.
- Metadata profile (`profile.py`, `rules.py`): attribute.required (error), attribute.recommended
  (warning), attribute.value and attribute.kind (an error for required attributes, else a warning),
  attribute.synonym and attribute.normalised (warnings: stored in the canonical spelling),
  short_name.too_long (warning).
- Image facts from DICOM (`dicom.py`): image.dicom_mismatch, image.dicom_filled (warnings).
- image.files_to_fill (with `scanner_files` only): an IMAGE's FILES lists no FILE, so the files in its
  folder IMAGES/IMAGE_<alias>/ are its files (a warning; an error when the folder has none).
- file.missing, file.checksum, file.unlisted, file.path_escape, file.duplicate: data files.
- file.dicom (a dcm file is not DICOM), file.to_convert (warning, with `scanner_files` only: a dcm
  file without the DICOM preamble, which the repository converts), file.encrypted (crypt4gh that cannot be decrypted),
  file.unencrypted_checksum (an encrypted file without it): file contents (`files.py`).
- sample_image.location, sample_image.format, sample_image.size: landing-page sample images, which
  are public.
- accession.supplied, accession.format: accessions.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from pathlib import Path

from .bundle import SINGLETONS, Bundle, plaintext_files
from .dicom import ImageFacts, base_layer
from .files import FileChecker
from .limits import check_limits
from .parse import EntityReader
from .profile import load_profile
from .refs import AliasIndex, check_accessions
from .rules import ProfileChecker, policy_type_of_dataset
from .schema import BUNDLE_FILE_BY_NAME, ENTITIES, FILE_OF_KIND
from .spill import EntitySpill
from .structure import FILES_TO_FILL
from .types import Entity, FileEntry, Problem, Report

# Policy first: it decides the clinical/non-clinical context for the rest.
ORDER = ("policy", "dataset", "landing_page", "rems", "organisation", "staining", "sample", "image",
         "annotation", "observer", "observation")
AT_LEAST_ONE = ("image", "slide", "staining", "block", "specimen", "biological_being", "observation")


def _policy_context(root: Path) -> str | None:
    """Peek at the policy so context rules apply from the first entity on."""
    path = root / BUNDLE_FILE_BY_NAME["policy"].path
    if not path.is_file():
        return None
    for entity in EntityReader(path, kinds=("policy",), problems=[]):
        return policy_type_of_dataset(entity)
    return None


def validate_bundle(bundle_dir: str | Path, *, allow_accessions: bool = False, verify_checksums: bool = True,
                    secret_key: bytes | None = None, spill: bool = False,
                    encrypted_as_sent: bool = False, scanner_files: bool = False
                    ) -> tuple[Bundle | None, Report]:
    """Validate the bundle at `bundle_dir`; return (Bundle if no errors, Report).

    `secret_key` is the repository's crypt4gh key: without it, encrypted files are refused,
    unless `encrypted_as_sent` (the sender's side, which has no secret key): then a crypt4gh
    file is checked by its checksum and its unencrypted_checksum's presence only, and the
    repository checks its plaintext when it arrives.
    `scanner_files` (a contributor's submission, web or bulk uploader; not the admin's import, which
    takes DICOM only): a dcm FILE that is not DICOM is a scanner file to be converted, reported as the
    warning file.to_convert instead of the error file.dicom; its image then has no DICOM facts. And an
    IMAGE may leave its FILES empty: the files in its folder are its files (rule image.files_to_fill).
    `spill` keeps the canonical entities for `Bundle.iter_canonical`; `Bundle.close()` drops them.
    """
    root = Path(bundle_dir)
    report = Report()
    if not root.is_dir():
        report.add(Problem(rule="layout.not_a_directory", file=str(root),
                           message="the bundle must be a directory (DATASET_<name>/ with METADATA/, IMAGES/, "
                                   "PRIVATE/ and LANDING_PAGE/); check the path."))
        return None, report

    profile = load_profile()
    type_of_dataset = _policy_context(root)
    context = profile.context_of(type_of_dataset)
    index = AliasIndex()
    files = FileChecker(root, verify_checksums=verify_checksums, secret_key=secret_key,
                        encrypted_as_sent=encrypted_as_sent, scanner_files=scanner_files)
    checker = ProfileChecker(context, profile)
    image_facts: dict[str, ImageFacts] = {}
    filled_files: dict[str, list[FileEntry]] = {}
    counts: Counter[str] = Counter()
    singletons: dict[str, Entity] = {}
    unreadable: set[str] = set()
    # Anonymous: if validation raises, the file goes with the object.
    kept = EntitySpill() if spill else None

    for name in ORDER:
        bundle_file = BUNDLE_FILE_BY_NAME[name]
        path = root / bundle_file.path
        if not path.is_file():
            if bundle_file.required:
                report.add(Problem(rule="layout.missing_file", file=bundle_file.path, element=bundle_file.set_element,
                                   message=f"{bundle_file.path} is missing; every bundle needs it "
                                           f"(root element <{bundle_file.set_element}>)."))
                unreadable.update(bundle_file.kinds)
            continue
        problems: list[Problem] = []
        reader = EntityReader(path, label=bundle_file.path, allowed=bundle_file.kinds,
                              set_element=bundle_file.set_element, problems=problems, files_to_fill=scanner_files)
        seen = 0  # problems[seen:] are those of the entity just read
        for entity in reader:
            counts[entity.kind] += 1
            marker = _files_to_fill(problems, seen, entity) if scanner_files else None
            if marker is not None:
                entity = dataclasses.replace(entity, files=files.fill(entity, marker.line))
                filled_files[entity.alias] = entity.files
            problems.extend(check_accessions(entity, allow=allow_accessions))
            problems.extend(check_limits(entity))
            element = "SAMPLE_IMAGE_FILE" if entity.kind == "landing_page" else "FILE"
            layers = [found for entry in entity.files
                      if (found := files.check(entity, entry, element, hashed=marker is not None))]
            facts = base_layer(layers) if entity.kind == "image" else None
            canonical, found, filled = checker.check(entity, facts)
            problems.extend(found)
            if filled:
                image_facts[entity.alias] = facts
            if entity.kind in SINGLETONS:
                singletons.setdefault(entity.kind, canonical)
            elif kept is not None:
                kept.add(name, plaintext_files(canonical, files.encrypted))
            problems.extend(index.add(entity))
            seen = len(problems)
        if any(p.rule.startswith("xml.") for p in problems):
            unreadable.update(bundle_file.kinds)
        report.extend(problems)
        if kept is not None:
            kept.finish(name)

    report.extend(index.resolve(skip_kinds=unreadable))
    report.extend(_cardinality(counts, unreadable, index, root))
    # A file we could not read lists files we cannot know about: no unlisted noise then.
    if not unreadable & {"image", "annotation", "landing_page"}:
        files.check_unlisted()
    report.extend(files.problems)
    report.extend(checker.summary())
    if not report.ok or any(k not in singletons for k in SINGLETONS):
        if kept is not None:
            kept.close()
        return None, report
    return Bundle(root=root, dataset=singletons["dataset"], policy=singletons["policy"],
                  landing_page=singletons["landing_page"], rems=singletons["rems"],
                  organisation=singletons["organisation"], type_of_dataset=type_of_dataset,
                  context=context, counts=dict(counts), image_facts=image_facts, filled_files=filled_files,
                  encrypted=files.encrypted, sample_sizes=files.sample_sizes, secret_key=secret_key, spill=kept), report


def _files_to_fill(problems: list[Problem], seen: int, entity: Entity) -> Problem | None:
    """Take this entity's marker `structure.FILES_TO_FILL` out of `problems[seen:]` (`FileChecker.fill`
    reports instead)."""
    if entity.kind != "image" or entity.files:
        return None
    for i in range(seen, len(problems)):
        if problems[i].rule == FILES_TO_FILL:
            return problems.pop(i)
    return None


def _cardinality(counts: Counter[str], unreadable: set[str], index: AliasIndex, root: Path) -> list[Problem]:
    problems: list[Problem] = []
    for kind in (*SINGLETONS, *AT_LEAST_ONE):
        if kind in unreadable:
            continue
        n = counts[kind]
        element = ENTITIES[kind].element
        where = FILE_OF_KIND[kind].path
        if kind in SINGLETONS and n != 1:
            problems.append(Problem(rule="bundle.cardinality", file=where, element=element,
                                    message=f"the bundle must have exactly one <{element}>, but has {n}; "
                                            f"{'add one' if n == 0 else 'keep only one'} in {where}."))
        elif kind not in SINGLETONS and n == 0:
            problems.append(Problem(rule="bundle.cardinality", file=where, element=element,
                                    message=f"the bundle must have at least one <{element}>; add one to {where}."))
    if "observation" not in unreadable:
        for alias, known in index.known.items():
            if known.kind == "observer" and alias not in index.referenced_observers:
                problems.append(Problem(rule="observer.unreferenced", file=known.file, line=known.line,
                                        element="OBSERVER", alias=alias,
                                        message=f"observer {alias!r} is not referenced by any observation; "
                                                "add an OBSERVER_REF to its observations or remove it."))
    return problems
