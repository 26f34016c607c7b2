"""What the profile does per attribute group, on a hand-made dataset (keys: a fixed in-memory HMAC)."""

from __future__ import annotations

import hashlib
import hmac

from pydicom.datadict import keyword_for_tag
from pydicom.dataset import Dataset
from pydicom.sequence import Sequence

from ingestion.deid.context import DeidContext
from ingestion.deid.profile import PROFILE, deidentify_dataset

KEY = b"k" * 32


def _context() -> DeidContext:
    def pseudonym(kind, value):
        return "P1-" + hmac.new(KEY, f"{kind}|{value}".encode(), hashlib.sha256).hexdigest()[:11].upper()

    def uid(original):
        return "2.25." + str(int(hmac.new(KEY, original.encode(), hashlib.sha256).hexdigest()[:30], 16))

    return DeidContext(pseudonym_fn=pseudonym, uid_fn=uid, derived_uid_fn=lambda *parts: uid("|".join(parts)))


def _code(value, scheme, meaning) -> Dataset:
    item = Dataset()
    item.CodeValue, item.CodingSchemeDesignator, item.CodeMeaning = value, scheme, meaning
    return item


def _dataset() -> Dataset:
    ds = Dataset()
    ds.SOPClassUID = "1.2.840.10008.5.1.4.1.1.77.1.6"
    ds.SOPInstanceUID = "1.2.3.4.5"
    ds.StudyInstanceUID = "1.2.3.4"
    ds.PatientName = "DEMO^PATIENT"
    ds.PatientID = "SYN-PAT-000011"
    ds.PatientBirthDate = "19700101"
    ds.OtherPatientIDs = "MRN-77"
    ds.StudyDate = "20240101"
    ds.SeriesDate = "20240101"
    ds.AcquisitionDateTime = "20240101101010"
    ds.Manufacturer, ds.ManufacturerModelName, ds.SoftwareVersions = "Aperio", "GT450", "1.0"
    ds.DeviceSerialNumber = "SS1234"
    ds.StationName = "SCANNER-3"
    ds.InstitutionName = "Demo University Hospital"
    ds.OperatorsName = "TECH^ONE"
    ds.SeriesDescription = "H&E whole slide"
    ds.StudyDescription = "Biopsy of Demo Patient"
    ds.ContainerIdentifier = "BP-DEMO-11"
    ds.LabelText = "DEMO^PATIENT BP-DEMO-11"
    ds.BarcodeValue = "BP-DEMO-11"
    ds.add_new(0x00091001, "LO", "private vendor data")
    ds.add_new(0x60003000, "OB", b"\x00\x01")
    reference = Dataset()
    reference.ReferencedSOPClassUID = "1.2.840.10008.5.1.4.1.1.77.1.6"
    reference.ReferencedSOPInstanceUID = "1.2.3.4.5"
    ds.ReferencedImageSequence = Sequence([reference])
    specimen = Dataset()
    specimen.SpecimenIdentifier = "BP-DEMO-11-A"
    specimen.SpecimenUID = "1.2.3.9"
    specimen.SpecimenShortDescription = "block A of DEMO PATIENT"
    step_id, step_note, stain = Dataset(), Dataset(), Dataset()
    step_id.ValueType, step_id.ConceptNameCodeSequence = "TEXT", [_code("121041", "DCM", "Specimen Identifier")]
    step_id.TextValue = "BP-DEMO-11-A"
    step_note.ValueType, step_note.ConceptNameCodeSequence = "TEXT", [_code("121106", "DCM", "Comment")]
    step_note.TextValue = "cut by the lab for DEMO PATIENT"
    stain.ValueType, stain.ConceptNameCodeSequence = "CODE", [_code("424361007", "SCT", "Using substance")]
    stain.ConceptCodeSequence = [_code("12710003", "SCT", "hematoxylin stain")]
    step = Dataset()
    step.SpecimenPreparationStepContentItemSequence = Sequence([step_id, step_note, stain])
    specimen.SpecimenPreparationSequence = Sequence([step])
    specimen.add_new(0x00111010, "LO", "private in a sequence")
    ds.SpecimenDescriptionSequence = Sequence([specimen])
    return ds


def test_the_table_is_transcribed_onto_known_tags():
    unknown = [tag for tag in PROFILE if not keyword_for_tag(tag)]
    assert len(PROFILE) > 300 and not unknown, unknown


def test_identifiers_become_pseudonyms_and_agree():
    ds = _dataset()
    deidentify_dataset(ds, context=_context())
    assert ds.PatientID.startswith("P1-") and str(ds.PatientName) == ds.PatientID
    assert ds.ContainerIdentifier.startswith("P1-") and ds.ContainerIdentifier != ds.PatientID
    specimen = ds.SpecimenDescriptionSequence[0]
    assert specimen.SpecimenIdentifier.startswith("P1-")
    items = specimen.SpecimenPreparationSequence[0].SpecimenPreparationStepContentItemSequence
    assert items[0].TextValue == specimen.SpecimenIdentifier  # the same specimen, the same pseudonym
    assert "OtherPatientIDs" not in ds and ds.PatientBirthDate == ""


def test_label_text_barcode_private_tags_and_overlays_are_removed():
    ds = _dataset()
    deidentify_dataset(ds, context=_context())
    assert "LabelText" not in ds and "BarcodeValue" not in ds
    assert 0x00091001 not in ds and 0x60003000 not in ds
    assert 0x00111010 not in ds.SpecimenDescriptionSequence[0]
    # X/Z/D, neither type 1 here: emptied, so an IOD that makes them type 2 stays valid.
    assert str(ds.get("OperatorsName", "")) == "" and ds.get("InstitutionName", "") == ""


def test_device_identity_is_retained():
    ds = _dataset()
    deidentify_dataset(ds, context=_context())
    assert (ds.Manufacturer, ds.ManufacturerModelName, ds.SoftwareVersions) == ("Aperio", "GT450", "1.0")
    assert ds.DeviceSerialNumber == "SS1234" and ds.StationName == "SCANNER-3"
    assert "113109" in [c.CodeValue for c in ds.DeidentificationMethodCodeSequence]


def test_dates_are_not_retained():
    ds = _dataset()
    deidentify_dataset(ds, context=_context())
    assert ds.StudyDate == ""  # Z: type 2
    assert "SeriesDate" not in ds  # X/D, not type 1: removed
    assert ds.AcquisitionDateTime == "19000101000000"  # type 1 in the WSI IOD: a dummy
    assert ds.LongitudinalTemporalInformationModified == "REMOVED"


def test_descriptors_are_cleaned_not_dropped():
    ds = _dataset()
    deidentify_dataset(ds, context=_context())
    assert ds.SeriesDescription == "H&E whole slide"
    assert ds.StudyDescription == ""
    specimen = ds.SpecimenDescriptionSequence[0]
    assert specimen.SpecimenShortDescription == ""
    items = specimen.SpecimenPreparationSequence[0].SpecimenPreparationStepContentItemSequence
    assert items[1].TextValue == ""
    assert items[2].ConceptCodeSequence[0].CodeMeaning == "hematoxylin stain"  # staining facts stay


def test_uids_are_replaced_consistently_and_registered_uids_kept():
    ds = _dataset()
    deidentify_dataset(ds, context=_context())
    assert ds.SOPClassUID == "1.2.840.10008.5.1.4.1.1.77.1.6"
    reference = ds.ReferencedImageSequence[0]
    assert reference.ReferencedSOPClassUID == ds.SOPClassUID
    assert reference.ReferencedSOPInstanceUID == ds.SOPInstanceUID != "1.2.3.4.5"
    assert ds.SpecimenDescriptionSequence[0].SpecimenUID.startswith("2.25.")
    assert ds.StudyInstanceUID.startswith("2.25.")


def test_the_method_is_recorded():
    ds = _dataset()
    deidentify_dataset(ds, context=_context())
    assert ds.PatientIdentityRemoved == "YES"
    codes = [c.CodeValue for c in ds.DeidentificationMethodCodeSequence]
    assert codes == ["113100", "113109", "113105", "113104"]
    assert all(len(value) <= 64 for value in ds.DeidentificationMethod)
