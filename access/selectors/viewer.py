"""What the slide viewer page shows beside the image, and which images a user may open in it."""

from __future__ import annotations

from dataclasses import dataclass

from access.selectors.pixels import PixelImage
from access.tiles.deepzoom import DeepZoom
from metaflex.types import Attribute, attributes_from_json
from repository.models import Image, Slide, Specimen
from repository.services.summary import attribute_texts

# Attributes of the image, slide and specimen rows shown in the viewer, in this order.
IMAGE_TAGS = ("scanner_manufacturer", "scanner_model", "scanner_software_versions", "acquisition_datetime",
              "base_layer_resolution", "base_layer_dimensions", "base_layer_tile_size")
SPECIMEN_TAGS = ("anatomical_site", "extraction_method", "fixation_type", "age_at_extraction")


@dataclass(frozen=True)
class ViewerFacts:
    specimen: list[tuple[str, str]]
    staining: list[str]
    image: list[tuple[str, str]]
    dicom: list[tuple[str, str]]
    case_images: list[Image]
    case_alias: str | None


def viewer_facts(pixels: PixelImage, zoom: DeepZoom, slide) -> ViewerFacts:
    """The facts of the image's rows (the submitter's metadata and what the repository filled from the
    DICOM headers), the headers read now (`slide`, a wsidicom WsiDicom) and the other images of its case."""
    image = pixels.image
    slides = list(Slide.objects.filter(images=image).select_related("staining", "block"))
    specimens = list(Specimen.objects.filter(blocks__slides__in=slides).select_related("case").distinct())
    case = next((specimen.case for specimen in specimens if specimen.case is not None), None)
    return ViewerFacts(
        specimen=[(f"{specimen.alias}: {label}", text) for specimen in specimens
                  for label, text in _rows(specimen.attributes, SPECIMEN_TAGS)],
        staining=[text for slide_row in slides for text in _staining(slide_row)],
        image=_rows(image.attributes, IMAGE_TAGS),
        dicom=_dicom_rows(zoom, slide),
        case_images=case_images(image, case) if case is not None else [image],
        case_alias=case.alias if case is not None else None,
    )


def case_images(image: Image, case) -> list[Image]:
    """The images of the case's slides in the image's version, by alias."""
    return list(Image.objects.filter(version_id=image.version_id, slides__block__specimens__case=case)
                .distinct().order_by("alias"))


def _rows(attributes, tags: tuple[str, ...]) -> list[tuple[str, str]]:
    found: dict[str, Attribute] = {a.tag: a for a in attributes_from_json(attributes) or []}
    rows = []
    for tag in tags:
        if tag in found and (texts := attribute_texts(found[tag])):
            rows.append((tag.replace("_", " ").capitalize(), ", ".join(texts)))
    return rows


def _staining(slide: Slide) -> list[str]:
    staining = slide.staining
    blocks = [staining.procedure_information] if staining.procedure_information else list(staining.stains or [])
    texts = []
    for block in blocks:
        for attribute in attributes_from_json(block if isinstance(block, list) else [block]) or []:
            texts.extend(attribute_texts(attribute))
    return texts or [staining.alias]


def _dicom_rows(zoom: DeepZoom, slide) -> list[tuple[str, str]]:
    equipment = slide.metadata.equipment
    rows = [("Size", f"{zoom.width} × {zoom.height} px"),
            ("Pyramid levels", f"{len(slide.levels)} stored, tiles {zoom.tile_size} px")]
    if zoom.mpp:
        rows.append(("Resolution", f"{zoom.mpp:.4g} µm/px"))
    if equipment.manufacturer:
        rows.append(("Scanner manufacturer", equipment.manufacturer))
    if equipment.model_name:
        rows.append(("Scanner model", equipment.model_name))
    if equipment.software_versions:
        rows.append(("Software", ", ".join(equipment.software_versions)))
    return rows
