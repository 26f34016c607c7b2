"""MetaFleX records of an image as DICOM specimen, staining and equipment metadata, written by wsidicomizer."""

from __future__ import annotations

import pydicom
import pytest

from ingestion.slides.convert import convert
from ingestion.slides.identify import identify
from ingestion.slides.metadata import dicomizer_metadata, image_records
from metaflex import validate_bundle
from repository.synthetic.bundles import BundleSpec, write_synthetic_bundle


def pseudonym(kind: str, value: str) -> str:
    return f"PSN-{kind}-{len(value)}"


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    root = write_synthetic_bundle(tmp_path_factory.mktemp("bundle"), BundleSpec(
        alias="md", title="Metadata", short_name="MD", description="d", cases=2, image_files="stub"))
    bundle, report = validate_bundle(root)
    assert bundle is not None, report.format()
    return bundle


def test_records_follow_the_references(bundle):
    records = image_records(bundle, "image-2", pseudonym=pseudonym)
    assert (records.slide.alias, records.block.alias) == ("slide-2", "block-2")
    assert [s.alias for s in records.specimens] == ["specimen-2"]
    assert [s.alias for s in records.stainings] == ["stain-he"]
    assert (records.slide_identifier, records.block_identifier) == ("PSN-slide-7", "PSN-block-7")
    with pytest.raises(KeyError):
        image_records(bundle, "image-9", pseudonym=pseudonym)


def test_conversion_carries_pseudonyms_staining_and_scanner(bundle, svs, tmp_path):
    metadata = dicomizer_metadata(image_records(bundle, "image-1", pseudonym=pseudonym))
    result = convert(svs.path, tmp_path / "out", fmt=identify(svs.path, name="slide.svs"), metadata=metadata)
    ds = pydicom.dcmread(result.instances[0], stop_before_pixels=True)
    assert ds.ContainerIdentifier == "PSN-slide-7"
    assert (ds.Manufacturer, ds.ManufacturerModelName) == ("Synthetic Scanners Ltd", "SynthScan 1")
    [specimen] = ds.SpecimenDescriptionSequence
    assert specimen.SpecimenIdentifier == "PSN-block-7"
    texts = {str(item.get("TextValue")) for step in specimen.SpecimenPreparationSequence
             for item in step.SpecimenPreparationStepContentItemSequence}
    assert "Hematoxylin and eosin stain" in texts
    assert "slide-1" not in str(ds) and "block-1" not in str(ds)  # the bundle's own aliases stay out
