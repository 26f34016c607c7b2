"""DICOM WSI writer for synthetic slides: SVS first, then wsidicomizer.

Converting our own SVS (rather than building DICOM by hand) exercises the
same conversion path the portal uses for uploaded slides, and gives DICOM
that wsidicom reads natively.  JPEG tiles are copied without re-encoding.

Patient, study, equipment and label metadata are given to wsidicomizer as a
`WsiDicomizerMetadata` so the instances carry the fake patient name and
barcode (useful for de-identification tests).  UIDs come from a seeded
generator, so the same arguments give the same UIDs and file names; the
files still differ between runs in ContentDate/ContentTime, which wsidicom
stamps from the clock when it writes.
"""

from __future__ import annotations

import hashlib
import itertools
import tempfile
import uuid
from collections.abc import Callable
from pathlib import Path

from pydicom.uid import UID
from wsidicom import WsiDicom
from wsidicom.metadata import Equipment, Label, Patient, Series, Slide, Study
from wsidicomizer import WsiDicomizer
from wsidicomizer.metadata import WsiDicomizerMetadata

from .info import SlideInfo, hash_files
from .svs import write_svs


def seeded_uid_generator(seed: int) -> Callable[[], UID]:
    """UIDs under the 2.25 (UUID) root derived from the seed and a counter.

    pydicom's `generate_uid(prefix=None)` is always random, so the UUID is
    built here from a hash instead: same seed, same sequence of UIDs.
    """
    counter = itertools.count()

    def generate() -> UID:
        digest = hashlib.sha256(f"bigpicture-synthetic|{seed}|{next(counter)}".encode()).digest()
        return UID(f"2.25.{uuid.UUID(bytes=digest[:16], version=4).int}")

    return generate


def synthetic_metadata(*, seed: int, patient_name: str, barcode: str) -> WsiDicomizerMetadata:
    """Study/series/patient/equipment/label metadata for a synthetic slide."""
    return WsiDicomizerMetadata(
        study=Study(
            identifier=f"SYN-STUDY-{seed}", accession_number=barcode, description="Synthetic H&E slide"
        ),
        series=Series(number=1, description="Synthetic whole slide image"),
        patient=Patient(name=patient_name, identifier=f"SYN-PAT-{seed:06d}"),
        equipment=Equipment(
            manufacturer="BigPicture synthetic",
            model_name="TissueModel",
            device_serial_number=f"SYN-{seed:04d}",
            software_versions=["repository.synthetic"],
        ),
        slide=Slide(identifier=barcode),
        label=Label(text=patient_name, barcode=barcode),
    )


def write_dicom_wsi(
    directory: str | Path,
    *,
    width: int,
    height: int,
    tile_size: int = 256,
    mpp: float = 0.25,
    app_mag: float = 40,
    seed: int = 0,
    patient_name: str = "DOE^JANE",
    barcode: str = "BP-SYN-000001",
    quality: int = 85,
    include_label: bool = True,
    include_overview: bool = True,
    workers: int | None = None,
) -> SlideInfo:
    """Write a synthetic DICOM WSI series (one .dcm per level and image) into `directory`.

    The directory is created if missing and must not already hold .dcm files
    (wsidicom would see two series).  The result is opened with wsidicom to
    check the pyramid before returning.
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    if any(directory.glob("*.dcm")):
        raise FileExistsError(f"{directory} already contains DICOM files")

    with tempfile.TemporaryDirectory(prefix="synthetic-svs-") as tmp:
        svs = write_svs(
            Path(tmp) / "slide.svs",
            width=width,
            height=height,
            tile_size=tile_size,
            mpp=mpp,
            app_mag=app_mag,
            seed=seed,
            patient_name=patient_name,
            barcode=barcode,
            quality=quality,
            workers=workers,
        )
        created = WsiDicomizer.convert(
            svs.path,
            output_path=directory,
            metadata=synthetic_metadata(seed=seed, patient_name=patient_name, barcode=barcode),
            tile_size=tile_size,
            uid_generator=seeded_uid_generator(seed),
            include_label=include_label,
            include_overview=include_overview,
            workers=workers or 1,
        )

    files = tuple(sorted(Path(p) for p in created))
    with WsiDicom.open(directory) as wsi:
        levels = tuple((level.size.width, level.size.height) for level in wsi.levels)
    if levels[0] != (width, height) or len(levels) != len(svs.levels):
        raise RuntimeError(f"converted pyramid {levels} does not match the source {svs.levels}")

    sha256, hashes = hash_files(files, root=directory)
    return SlideInfo(
        path=directory,
        files=files,
        format="dicom",
        width=width,
        height=height,
        levels=levels,
        mpp=mpp,
        tile_size=tile_size,
        seed=seed,
        sha256=sha256,
        file_sha256=hashes,
        patient_name=patient_name,
        barcode=barcode,
        app_mag=app_mag,
        blank_regions=svs.blank_regions,
        blurred_regions=svs.blurred_regions,
        tissue_regions=svs.tissue_regions,
        blur_sigma=svs.blur_sigma,
        macro_label_box=svs.macro_label_box,
        extra={"source_svs_sha256": svs.sha256},
    )
