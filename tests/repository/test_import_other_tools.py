"""Bundles in other tools' styles import with warnings; the repository stores the profile's spelling."""

from __future__ import annotations

import pytest

from metaflex import validate_bundle
from metaflex.profile import find_attribute
from metaflex.types import attributes_from_json
from repository import models as m
from repository.services.exports import dataset_export
from repository.synthetic.other_tool import SCANNER, OtherTool
from tests.repository.committed import import_committed
from tests.repository.official_xsds import assert_bundle_xsd_valid


@pytest.fixture
def imported(db, tmp_path):
    result = import_committed(bundle_dir=OtherTool().write(tmp_path))
    assert result.ok, result.report.format()
    return result


def _attributes(row):
    return attributes_from_json(row.attributes)


def test_the_bundle_is_valid_against_the_official_xsds(tmp_path):
    assert len(assert_bundle_xsd_valid(OtherTool().write(tmp_path))) >= 10


def test_imports_with_warnings_only(imported):
    report = imported.report
    assert report.errors == [] and report.warnings
    assert {"attribute.synonym", "attribute.normalised", "attribute.kind", "image.dicom_filled"} <= report.rules()


def test_the_policy_is_read_through_normalisation(imported):
    version = imported.version
    policy = _attributes(m.Policy.objects.get(version=version))
    assert find_attribute(policy, "type_of_dataset").value == "Clinical/Pseudonymized"
    assert find_attribute(policy, "type_of_access").value == "Direct"
    assert version.is_clinical and version.access_type == m.AccessType.DIRECT
    assert version.summary["policy"]["type_of_dataset"] == "Clinical/Pseudonymized"
    consent = find_attribute(policy, "consent_restrictions")
    assert consent.kind == "set" and [a.value for a in consent.value] == ["No commercial use",
                                                                         "Ethics approval required"]


def test_canonical_tags_and_values_are_stored(imported):
    version = imported.version
    for being in m.BiologicalBeing.objects.filter(version=version):
        attributes = _attributes(being)
        assert [a.tag for a in attributes] == ["animal_species", "sex"]
        assert attributes[0].kind == "code" and attributes[0].value["code"] == "337915000"
        assert attributes[0].value["scheme"] == "SCT" and attributes[0].value["meaning"] == "Homo sapiens"
    sexes = {b.alias: find_attribute(_attributes(b), "sex").value
             for b in m.BiologicalBeing.objects.filter(version=version)}
    assert sexes == {"patient-1": "Female", "patient-2": "Male", "patient-3": "Female"}
    specimen = m.Specimen.objects.get(version=version, alias="specimen-1")
    age = find_attribute(_attributes(specimen), "age_at_extraction")
    assert age.kind == "set" and [(a.tag, a.value) for a in age.value] == [("start", "P41Y"), ("length", "P1Y")]
    assert [a.tag for a in _attributes(specimen)] == ["extraction_method", "fixation_type", "age_at_extraction"]
    assert version.summary["species"] == ["Homo sapiens"] and version.summary["sexes"] == ["Female", "Male"]
    assert version.summary["age_range"] == "41–43 years"
    assert version.keywords == ["breast", "biopsy"]
    assert set(m.DatasetFacet.objects.filter(version=version, facet="species").values_list("value", flat=True)) \
        == {"Homo sapiens"}


def test_image_facts_are_filled_in_from_dicom(imported):
    version = imported.version
    for image in m.Image.objects.filter(version=version):
        attributes = _attributes(image)
        assert find_attribute(attributes, "scanner_manufacturer").value == SCANNER.manufacturer
        assert find_attribute(attributes, "scanner_model").value == SCANNER.model
        assert find_attribute(attributes, "scanner_software_versions").value == SCANNER.software_versions
        assert find_attribute(attributes, "acquisition_datetime").value == "2023-03-15T10:15:00"
        tile = find_attribute(attributes, "base_layer_tile_size")
        assert [(a.tag, a.value) for a in tile.value] == [("width", "512"), ("height", "512")]
        dimensions = find_attribute(attributes, "base_layer_dimensions")
        assert [a.value for a in dimensions.value] == [str(SCANNER.total_width), str(SCANNER.total_height)]
        resolution = find_attribute(attributes, "base_layer_resolution")
        assert (resolution.value, resolution.units) == ("0.23", "um/px")  # as the DICOM header says
    assert version.summary["scanners"] == ["Hamamatsu NanoZoomer S360"]
    assert version.summary["resolutions_um_per_px"] == ["0.23 µm/px"]
    filled = [p for p in imported.report.warnings if p.rule == "image.dicom_filled"]
    assert any("scanner_model is missing" in p.message and "on 3 image(s)" in p.message for p in filled)


def test_scanner_attributes_in_the_metadata_are_kept(db, tmp_path):
    result = import_committed(bundle_dir=OtherTool(scanner_from_dicom=False).write(tmp_path))
    assert result.ok, result.report.format()
    image = m.Image.objects.filter(version=result.version).first()
    assert [a.tag for a in _attributes(image)][:2] == ["scanner_manufacturer", "scanner_model"]
    assert not [p for p in result.report.warnings if p.rule == "image.dicom_mismatch"]


def test_the_export_is_in_the_profiles_spelling(imported, tmp_path):
    out = dataset_export(version=imported.version, out_dir=tmp_path / "export")
    bundle, report = validate_bundle(out, allow_accessions=True)
    assert bundle is not None and report.problems == [], report.format()
