"""MetaFleX records of one image as wsidicomizer metadata: slide, specimen, staining, equipment.

`image_records(bundle, alias, pseudonym=...)` collects the image's IMAGE, SLIDE, BLOCK, SPECIMEN
and STAINING records from a validated bundle; `dicomizer_metadata(records)` turns them into the
DICOM specimen and equipment modules. No identifier of the bundle goes into DICOM as it is: slide
and specimen identifiers are what the caller's `pseudonym(kind, value)` gives (de-identification
owns that mapping); patient and study data are not set here at all.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from wsidicom.conceptcode import SpecimenStainsCode
from wsidicom.metadata import Equipment, Slide, SlideSample, Staining
from wsidicomizer.metadata import WsiDicomizerMetadata

from metaflex import Bundle, Entity
from metaflex.types import Attribute

Pseudonym = Callable[[str, str], str]


@dataclass(frozen=True)
class ImageRecords:
    image: Entity
    slide: Entity | None
    block: Entity | None
    specimens: tuple[Entity, ...]
    stainings: tuple[Entity, ...]
    slide_identifier: str | None  # pseudonymised
    block_identifier: str | None  # pseudonymised


class RecordIndex:
    """The bundle's samples and stainings read once, for the records of many images."""

    def __init__(self, bundle: Bundle):
        self.samples = {(e.kind, e.alias): e for e in bundle.iter_canonical("sample")}
        self.stainings = {e.alias: e for e in bundle.iter_canonical("staining")}

    def records(self, image: Entity, *, pseudonym: Pseudonym) -> ImageRecords:
        slide = _follow(self.samples, "slide", image.ref("IMAGE_OF"))
        block = _follow(self.samples, "block", slide.ref("CREATED_FROM_REF") if slide else None)
        specimens = tuple(s for ref in (block.refs.get("SAMPLED_FROM_REF", []) if block else [])
                          if (s := self.samples.get(("specimen", ref.alias))) is not None)
        wanted = [ref.alias for ref in (slide.refs.get("STAINING_INFORMATION_REF", []) if slide else [])]
        stainings = tuple(self.stainings[alias] for alias in wanted if alias in self.stainings)
        return ImageRecords(image=image, slide=slide, block=block, specimens=specimens, stainings=stainings,
                            slide_identifier=pseudonym("slide", slide.alias) if slide else None,
                            block_identifier=pseudonym("block", block.alias) if block else None)


def image_records(bundle: Bundle, image_alias: str, *, pseudonym: Pseudonym) -> ImageRecords:
    """The records around image `image_alias` (canonical form); KeyError if the bundle has no such image."""
    image = next((e for e in bundle.iter_canonical("image") if e.alias == image_alias), None)
    if image is None:
        raise KeyError(f"the bundle has no image {image_alias!r}")
    return RecordIndex(bundle).records(image, pseudonym=pseudonym)


def dicomizer_metadata(records: ImageRecords) -> WsiDicomizerMetadata:
    """The slide (identifier, staining, sample) and equipment metadata for wsidicomizer."""
    samples = []
    if records.block_identifier:
        sites = [code for s in records.specimens for code in _codes(s.attributes, "anatomical_site")]
        description = "; ".join(_texts(a for s in records.specimens for a in s.attributes or []
                                       if a.tag in ("extraction_method", "fixation_type", "specimen_type")))
        samples.append(SlideSample(identifier=records.block_identifier, anatomical_sites=sites or None,
                                   short_description=description[:64] or None))
    slide = Slide(identifier=records.slide_identifier, stainings=[_staining(s) for s in records.stainings] or None,
                  samples=samples or None)
    return WsiDicomizerMetadata(slide=slide, equipment=_equipment(records.image))


def _follow(samples: dict, kind: str, ref) -> Entity | None:
    return samples.get((kind, ref.alias)) if ref is not None else None


def _staining(entity: Entity) -> Staining:
    """STAIN attributes name the substances; PROCEDURE_INFORMATION the procedure (the description)."""
    stains = [a for group in entity.fields.get("STAIN") or [] for a in group or []]
    procedure = entity.fields.get("PROCEDURE_INFORMATION") or []
    codes = [code for a in stains if (code := _stain_code(a)) is not None]
    names = _texts(stains or procedure)
    substances: str | list[SpecimenStainsCode] = codes if codes and len(codes) == len(stains) else \
        "; ".join(names) or "unknown"
    return Staining(substances=substances, description="; ".join(_texts(procedure))[:64] or None)


def _stain_code(attribute: Attribute) -> SpecimenStainsCode | None:
    value = attribute.value if attribute.kind == "code" and not attribute.nil else None
    if not value:
        return None
    try:
        return SpecimenStainsCode(value["meaning"], value["code"], value["scheme"])
    except Exception:  # not a code of the DICOM stains context group: the name is used instead
        return None


def _codes(attributes: list[Attribute] | None, tag: str):
    from pydicom.sr.coding import Code

    return [Code(a.value["code"], a.value["scheme"], a.value["meaning"]) for a in attributes or []
            if a.tag == tag and a.kind == "code" and not a.nil and a.value]


def _texts(attributes) -> list[str]:
    texts = []
    for a in attributes:
        if a.nil or a.value is None:
            continue
        texts.append(a.value["meaning"] if a.kind == "code" else str(a.value) if a.kind != "set" else "")
    return [t for t in texts if t]


def _equipment(image: Entity) -> Equipment | None:
    values = {a.tag: str(a.value) for a in image.attributes or [] if a.kind == "string" and not a.nil}
    if not any(k in values for k in ("scanner_manufacturer", "scanner_model", "scanner_software_versions")):
        return None
    software = values.get("scanner_software_versions")
    return Equipment(manufacturer=values.get("scanner_manufacturer"), model_name=values.get("scanner_model"),
                     software_versions=[software] if software else None)
