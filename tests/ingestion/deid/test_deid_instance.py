"""Uploaded DICOM instances are rewritten de-identified, their pixel data copied byte for byte."""

from __future__ import annotations

import pydicom
from pydicom.encaps import generate_frames
from pydicom.pixels import pixel_array
from wsidicom import WsiDicom

from ingestion.deid.context import DeidPolicy
from ingestion.deid.instance import deidentify_file
from tests.ingestion.deid.conftest import PATIENT_NAME, assert_no_identifiers


def _rewrite(folder, out, context):
    results = {}
    for path in sorted(folder.glob("*.dcm")):
        results[path] = deidentify_file(path, out / path.name, context=context)
    return results


def test_instances_hold_no_identifier_and_stay_one_slide(synthetic_dicom, make_context, tmp_path):
    originals = [pydicom.dcmread(p, stop_before_pixels=True) for p in synthetic_dicom.glob("*.dcm")]
    assert any(str(o.PatientName) == PATIENT_NAME for o in originals)  # the source does carry them
    results = _rewrite(synthetic_dicom, tmp_path / "out", make_context())
    kept = {src: r for src, r in results.items() if r is not None}
    dropped = [pydicom.dcmread(src, stop_before_pixels=True).ImageType[2] for src, r in results.items() if r is None]
    assert sorted(dropped) == ["LABEL", "OVERVIEW"]
    for result in kept.values():
        assert_no_identifiers(result.path.read_bytes(), result.path.name)
    assert len({r.series_instance_uid for r in kept.values()}) == 1
    assert len({r.study_instance_uid for r in kept.values()}) == 1
    headers = [pydicom.dcmread(r.path, stop_before_pixels=True) for r in kept.values()]
    assert len({h.PatientID for h in headers}) == 1 and headers[0].PatientID.startswith("P1-")
    assert len({h.PyramidUID for h in headers if "PyramidUID" in h}) == 1
    assert {h.SOPInstanceUID for h in headers}.isdisjoint({o.SOPInstanceUID for o in originals})
    with WsiDicom.open(tmp_path / "out") as wsi:
        assert wsi.levels[0].size.width == 1536
        wsi.read_region((0, 0), 0, (256, 256))


def test_same_original_same_uid_on_every_run(synthetic_dicom, make_context, tmp_path):
    first = _rewrite(synthetic_dicom, tmp_path / "a", make_context())
    second = _rewrite(synthetic_dicom, tmp_path / "b", make_context())
    assert [r and r.sop_instance_uid for r in first.values()] == [r and r.sop_instance_uid for r in second.values()]


def test_pixel_data_is_copied_unchanged(synthetic_dicom, make_context, tmp_path):
    results = _rewrite(synthetic_dicom, tmp_path / "out", make_context())
    for src, result in results.items():
        if result is None:
            continue
        before, after = pydicom.dcmread(src), pydicom.dcmread(result.path)
        frames = int(before.get("NumberOfFrames", 1))
        assert list(generate_frames(before.PixelData, number_of_frames=frames)) == \
            list(generate_frames(after.PixelData, number_of_frames=frames))
        assert after.file_meta.TransferSyntaxUID == before.file_meta.TransferSyntaxUID
        assert after.file_meta.MediaStorageSOPInstanceUID == after.SOPInstanceUID


def test_overview_blanked_and_label_kept_by_policy(synthetic_dicom, make_context, tmp_path):
    results = _rewrite(synthetic_dicom, tmp_path / "out", make_context(DeidPolicy(label="keep", overview="blank")))
    by_type = {r.image_type: r for r in results.values() if r is not None}
    assert by_type["OVERVIEW"].blanked
    overview = pydicom.dcmread(by_type["OVERVIEW"].path)
    assert pixel_array(overview).min() >= 250 and overview.BurnedInAnnotation == "NO"
    assert_no_identifiers(by_type["OVERVIEW"].path.read_bytes(), "the blanked overview")
    label = pydicom.dcmread(by_type["LABEL"].path, stop_before_pixels=True)
    assert label.BurnedInAnnotation == "YES" and "LabelText" not in label and "BarcodeValue" not in label


def test_not_dicom_is_a_user_error(make_context, tmp_path):
    import pytest

    from bigpicture.errors import UserError

    bad = tmp_path / "notes.dcm"
    bad.write_bytes(b"not a dicom file at all" * 10)
    with pytest.raises(UserError, match="notes.dcm"):
        deidentify_file(bad, tmp_path / "out.dcm", context=make_context())
    assert not (tmp_path / "out.dcm").exists()
