"""The pipeline's previews as the landing page's sample images, where the dataset's policy allows it.

`previews_place` puts the previews of up to PREVIEWS_MAX converted images (by IMAGE alias) in the
bundle folder at LANDING_PAGE/PREVIEWS/<alias>.jpg and lists them, with their SHA-256, in the
LANDING_PAGE's SAMPLE_IMAGE_FILES: standard MetaFleX, so the importer validates and publishes
them as any contributor's sample images, and the export lists them. A contributor who listed
sample images of their own chose the landing page's pictures: then no preview is added.

A preview is drawn from VOLUME levels only (`ingestion.slides.thumbnails`): no label or overview
pixels, and as a JPEG that Pillow wrote it carries no metadata.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from lxml import etree

from ingestion.models import ImageJob
from ingestion.pipeline.policy import job_policy
from metaflex.files import SAMPLE_IMAGE_DIR
from metaflex.parse import SAFE_PARSER_OPTIONS
from metaflex.schema import BUNDLE_FILE_BY_NAME

PREVIEWS_MAX = 4  # of the five sample images a landing page may have
PREVIEW_FOLDER = f"{SAMPLE_IMAGE_DIR}PREVIEWS"


def publishable_previews(jobs: list[ImageJob]) -> list[ImageJob]:
    """The converted jobs whose previews the policy lets the landing page show, the first PREVIEWS_MAX."""
    allowed = [job for job in jobs if job.preview_name and job_policy(job).public_preview]
    return sorted(allowed, key=lambda job: job.image_alias)[:PREVIEWS_MAX]


def previews_place(root: Path, jobs: list[ImageJob], place) -> list[str]:
    """List the publishable previews in the bundle at `root`; `place(path, storage_name)` puts one's bytes.

    Returns the bundle paths added ([] when none may be, or the contributor gave sample images)."""
    document = root / BUNDLE_FILE_BY_NAME["landing_page"].path
    chosen = publishable_previews(jobs)
    if not chosen or not document.is_file():
        return []
    tree = etree.parse(str(document), etree.XMLParser(**SAFE_PARSER_OPTIONS))
    landing = next(iter(tree.iter("{*}LANDING_PAGE", "LANDING_PAGE")), None)
    if landing is None or next(iter(landing.iter("{*}SAMPLE_IMAGE_FILE", "SAMPLE_IMAGE_FILE")), None) is not None:
        return []
    namespace = etree.QName(landing).namespace
    tag = (lambda name: f"{{{namespace}}}{name}") if namespace else (lambda name: name)
    holder = next(iter(landing.iter(tag("SAMPLE_IMAGE_FILES"))), None)
    if holder is None:  # after DATASET_REF and REMS_ACCESS_LINK, before ATTRIBUTES
        holder = etree.Element(tag("SAMPLE_IMAGE_FILES"))
        attributes = landing.find(tag("ATTRIBUTES"))
        if attributes is not None:
            attributes.addprevious(holder)
        else:
            landing.append(holder)
    added, used = [], set()
    for job in chosen:
        path = _preview_path(root, job.image_alias, used)
        place(path, job.preview_name)
        etree.SubElement(holder, tag("SAMPLE_IMAGE_FILE"), filename=path, checksum_method="SHA256",
                         checksum=hashlib.sha256((root / path).read_bytes()).hexdigest(), filetype="jpg")
        added.append(path)
    etree.indent(tree, space="  ")
    document.unlink()  # a hard link to the inbox: replace it, never write through it
    tree.write(str(document), xml_declaration=True, encoding="UTF-8")
    return added


def _preview_path(root: Path, alias: str, used: set[str]) -> str:
    """LANDING_PAGE/PREVIEWS/<alias>.jpg, made safe, and new: never a name taken by another preview or
    by a file of the bundle (whose hard link to the inbox must not be written through)."""
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", alias).strip("._") or "image"
    path, n = f"{PREVIEW_FOLDER}/{stem}.jpg", 1
    while path.lower() in used or (root / path).exists():
        n += 1
        path = f"{PREVIEW_FOLDER}/{stem}-{n}.jpg"
    used.add(path.lower())
    return path

