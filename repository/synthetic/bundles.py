"""Synthetic MetaFleX 2.0 bundles: realistic metadata around synthetic slides.

Used by the demo (with real DICOM WSI from wsidicomizer) and by benchmarks
(`image_files="stub"` writes a ~1 KB header-only but real DICOM instance per
image, `small.dicom_stub`, so a 65k-image bundle is mostly metadata). The result is written with the project's own
MetaFleX writer and passes `validate_bundle`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from PIL import Image as PILImage

from metaflex.types import Attribute, Entity, FileEntry, Ref
from metaflex.write import EntityCollection, write_bundle
from repository.synthetic.small import StubFacts, dicom_stub
from repository.synthetic.tissue import TissueModel

CLINICAL_DIAGNOSES = (("8500/3", "Infiltrating duct carcinoma, NOS"), ("9010/0", "Fibroadenoma, NOS"),
                      ("8500/2", "Intraductal carcinoma, noninfiltrating, NOS"))
NON_CLINICAL_FINDINGS = (("C120906", "HYPERTROPHY, HEPATOCELLULAR"), ("C3196", "NECROSIS"),
                         ("C120924", "VACUOLATION"))


def _s(tag: str, value: str) -> Attribute:
    return Attribute("string", tag, value)


def _code(tag: str, code: str, scheme: str, meaning: str, version: str | None = None) -> Attribute:
    return Attribute("code", tag, {"code": code, "scheme": scheme, "meaning": meaning, "scheme_version": version})


def _ref(kind: str, alias: str) -> Ref:
    return Ref(kind=kind, alias=alias)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass(frozen=True)
class BundleSpec:
    alias: str
    title: str
    short_name: str
    description: str
    clinical: bool = True
    cases: int = 3
    slides_per_case: int = 1  # slides of the case's one block, each scanned once
    images: int | None = None  # exact total; the last case gets fewer slides (default cases x slides)

    def slides_of(self, case: int) -> int:
        if self.images is None:
            return self.slides_per_case
        return max(0, min(self.slides_per_case, self.images - (case - 1) * self.slides_per_case))
    # "dicom" (real DICOM WSI), "stub" (a header-only DICOM instance per image), or a scanner's file for
    # the portal's pipeline to convert: "svs" (Aperio) or "ome" (OME-TIFF), listed as filetype="dcm".
    image_files: str = "dicom"
    slide_width: int = 2048
    slide_height: int = 1536
    seed: int = 0
    keywords: tuple[str, ...] = ()
    organisation_name: str = "Demo University Hospital"
    # More POLICY string attributes, e.g. (("public_preview", "Allowed"), ("overview_image", "Blank")).
    policy_attributes: tuple[tuple[str, str], ...] = ()
    # The landing page's own sample image; without it the pipeline's previews may take its place.
    landing_sample: bool = True


class _Writer:
    def __init__(self, spec: BundleSpec, root: Path):
        self.spec = spec
        self.root = root

    def file_entry(self, path: Path, filetype: str) -> FileEntry:
        return FileEntry(filename=path.relative_to(self.root).as_posix(), checksum_method="SHA256",
                         checksum=_sha256(path), filetype=filetype)

    def image_files(self, alias: str, seed: int) -> list[FileEntry]:
        folder = self.root / "IMAGES" / f"IMAGE_{alias}"
        folder.mkdir(parents=True, exist_ok=True)
        if self.spec.image_files == "dicom":
            from repository.synthetic.dicom import write_dicom_wsi  # wsidicomizer is heavy; only when asked

            info = write_dicom_wsi(folder, width=self.spec.slide_width, height=self.spec.slide_height, seed=seed,
                                   patient_name="DEMO^PATIENT", barcode=f"BP-DEMO-{seed:06d}")
            paths = sorted(Path(p) for p in info.files)
        elif self.spec.image_files == "svs":
            from repository.synthetic.svs import write_svs

            paths = [folder / f"{alias}.svs"]
            write_svs(paths[0], width=self.spec.slide_width, height=self.spec.slide_height, seed=seed,
                      patient_name="DEMO^PATIENT", barcode=f"BP-DEMO-{seed:06d}")
        elif self.spec.image_files == "ome":
            from repository.synthetic.ome import write_ome_tiff

            paths = [folder / f"{alias}.ome.tiff"]
            write_ome_tiff(paths[0], width=self.spec.slide_width, height=self.spec.slide_height, seed=seed)
        else:
            stub = folder / f"{alias}.dcm"
            stub.write_bytes(dicom_stub(f"{self.spec.seed}:{alias}"))
            paths = [stub]
        return [self.file_entry(path, "dcm") for path in paths]

    def thumbnail(self, seed: int) -> FileEntry:
        folder = self.root / "LANDING_PAGE" / "THUMBNAILS"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"sample_{seed}.jpg"
        model = TissueModel(seed, self.spec.slide_width, self.spec.slide_height)
        PILImage.fromarray(model.thumbnail(1024)).save(path, quality=88)
        return self.file_entry(path, "jpg")


def _slide_alias(case: int, number: int) -> str:
    return f"slide-{case}" if number == 1 else f"slide-{case}-{number}"


def _samples(spec: BundleSpec, case: int) -> Iterator[Entity]:
    being, specimen, block = f"being-{case}", f"specimen-{case}", f"block-{case}"
    if spec.clinical:
        yield Entity("biological_being", being, attributes=[
            _s("sex", "Female"), _code("animal_species", "337915000", "SCT", "Homo sapiens")])
        yield Entity("case", f"case-{case}", refs={"BIOLOGICAL_BEING_REF": [_ref("biological_being", being)]},
                     attributes=[])
        site = _code("anatomical_site", "76752008", "SCT", "Breast structure")
        method = _code("extraction_method", "86273004", "SCT", "Biopsy")
        age = _s("age_at_extraction", f"P{45 + 7 * case}Y/PT0S")
    else:
        yield Entity("biological_being", being, attributes=[
            _s("sex", "Male" if case % 2 else "Female"), _code("animal_species", "C14266", "CDISC", "Rat"),
            _s("animal_strain", "Wistar Han"), _s("study_group", "TREATED" if case % 2 else "CONTROL"),
            _s("study_duration", "P28D"), _s("termination_status", "Scheduled sacrifice")])
        site = _code("anatomical_site", "10200004", "SCT", "Liver structure")
        method = _code("extraction_method", "118292001", "SCT", "Removal")
        age = _s("age_at_extraction", "P10W/PT0S")
    specimen_refs = {"EXTRACTED_FROM_REF": [_ref("biological_being", being)]}
    if spec.clinical:
        specimen_refs["PART_OF_CASE_REF"] = [_ref("case", f"case-{case}")]
    yield Entity("specimen", specimen, refs=specimen_refs, attributes=[
        method, _code("fixation_type", "431510009", "SCT", "Formalin", "2024-01"), age, site])
    yield Entity("block", block, refs={"SAMPLED_FROM_REF": [_ref("specimen", specimen)]}, attributes=[])
    for number in range(1, spec.slides_of(case) + 1):
        yield Entity("slide", _slide_alias(case, number), attributes=[], refs={
            "CREATED_FROM_REF": [_ref("block", block)],
            "STAINING_INFORMATION_REF": [_ref("staining", "stain-he")]})


def _image(writer: _Writer, alias: str, slide: str, seed: int, case: int) -> Entity:
    """A WSI. Real DICOM images state no scanner facts: the portal reads them from the headers.

    Stub images state the facts their headers carry (`small.StubFacts`), as a careful submitter would.
    """
    files = writer.image_files(alias, seed)
    attributes = [Attribute("measurement", "base_layer_resolution", "0.25", units="um/px")]
    if writer.spec.image_files == "stub":
        facts = StubFacts()
        stamp = datetime.strptime(facts.acquisition_datetime, "%Y%m%d%H%M%S").isoformat()
        attributes = [
            _s("scanner_manufacturer", facts.manufacturer), _s("scanner_model", facts.model),
            _s("scanner_software_versions", facts.software_versions), _s("acquisition_datetime", stamp),
            Attribute("set", "base_layer_tile_size", [Attribute("numeric", "width", str(facts.tile_width)),
                                                      Attribute("numeric", "height", str(facts.tile_height))]),
            Attribute("set", "base_layer_dimensions", [Attribute("numeric", "width", str(facts.total_width)),
                                                       Attribute("numeric", "height", str(facts.total_height))]),
            Attribute("measurement", "base_layer_resolution", f"{facts.um_per_px:g}", units="um/px"),
        ]
    return Entity("image", alias, fields={"IMAGE_TYPE": "WSI_IMAGE"}, refs={"IMAGE_OF": [_ref("slide", slide)]},
                  files=files, attributes=attributes)


def write_synthetic_bundle(out_dir: str | Path, spec: BundleSpec) -> Path:
    """Write a valid bundle for `spec` into `out_dir/DATASET_<alias>`; returns that folder."""
    root = Path(out_dir) / f"DATASET_{spec.alias}"
    root.mkdir(parents=True, exist_ok=False)
    writer = _Writer(spec, root)
    entities = EntityCollection()
    dataset_ref = {"DATASET_REF": [_ref("dataset", spec.alias)]}
    entities.add(Entity("staining", "stain-he", fields={"PROCEDURE_INFORMATION": [
        _code("staining_procedure", "12710003", "SCT", "Hematoxylin and eosin stain")]}, attributes=[]))
    entities.add(Entity("observer", "pathologist-1", fields={"OBSERVER_TYPE": "Human"},
                        attributes=[_s("role", "Board-certified pathologist")]))
    images, observations = [], []
    findings = CLINICAL_DIAGNOSES if spec.clinical else NON_CLINICAL_FINDINGS
    for case in range(1, spec.cases + 1):
        for entity in _samples(spec, case):
            entities.add(entity)
        for number in range(1, spec.slides_of(case) + 1):
            image = _slide_alias(case, number).replace("slide", "image")
            entities.add(_image(writer, image, _slide_alias(case, number), spec.seed * 1000 + case, case))
            images.append(image)
        code, meaning = findings[(case - 1) % len(findings)]
        observation = f"observation-{case}"
        entities.add(Entity("observation", observation,
                            refs={"SLIDE_REF": [_ref("slide", f"slide-{case}")],
                                  "OBSERVER_REF": [_ref("observer", "pathologist-1")]},
                            fields={"STATEMENT": {
                                "STATEMENT_TYPE": "Diagnosis" if spec.clinical else "Finding",
                                "STATEMENT_STATUS": "Summary",
                                "CODE_ATTRIBUTES": [_code("diagnosis" if spec.clinical else "finding", code,
                                                          "ICD-O-3" if spec.clinical else "SEND", meaning)],
                                "CUSTOM_ATTRIBUTES": None, "FREETEXT": meaning.capitalize() + ".",
                                "ATTRIBUTES": None}},
                            attributes=[]))
        observations.append(observation)
    entities.add(Entity("dataset", spec.alias, fields={
        "TITLE": spec.title, "SHORT_NAME": spec.short_name, "DESCRIPTION": spec.description, "VERSION": "1.0",
        "METADATA_STANDARD": "2.0.0", "DATASET_OWNER_CONTACT_EMAIL": "data-steward@demo-hospital.example",
        "DATASET_TYPE": ["Whole slide imaging"]},
        refs={"IMAGE_REF": [_ref("image", a) for a in images],
              "OBSERVATION_REF": [_ref("observation", a) for a in observations]},
        attributes=[_s("keyword", word) for word in spec.keywords]))
    entities.add(Entity("policy", f"{spec.alias}-policy", refs=dataset_ref, attributes=[
        _s("type_of_dataset", "Clinical/Anonymized" if spec.clinical else "Non-Clinical/Obscured"),
        _s("type_of_access", "Direct" if spec.clinical else "Indirect"),
        _s("allowed_uses", "Non-commercial research"),
        _s("allowed_geographical_distribution", "EU/EEA"),
        _s("duration_of_use", "P2Y"),
        _s("defined_research_question_required", "Yes"),
        _s("policy_text", "The data may be used for non-commercial research into diagnostic pathology. "
                          "Re-identification of individuals is forbidden. Cite the dataset in publications."),
        *(_s(tag, value) for tag, value in spec.policy_attributes)]))
    entities.add(Entity("landing_page", f"{spec.alias}-landing-page", refs=dataset_ref,
                        files=[writer.thumbnail(spec.seed * 1000 + 1)] if spec.landing_sample else [],
                        attributes=[]))
    entities.add(Entity("rems", f"{spec.alias}-rems", fields={"WORKFLOW_ID": "1", "ORGANISATION_ID": "demo"},
                        refs=dataset_ref, attributes=[]))
    entities.add(Entity("organisation", f"{spec.alias}-organisation", fields={
        "NAME": spec.organisation_name, "PIC_CODE": "999999999", "DATAMANAGER_PERUN_GROUP": "bp-demo-stewards"},
        refs=dataset_ref, attributes=[]))
    write_bundle(entities, root)
    return root
