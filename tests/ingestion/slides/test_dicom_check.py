"""dicom_wsi_problems(): uploaded DICOM WSI checked from its headers, one actionable sentence per problem."""

from __future__ import annotations

import shutil

import pydicom
import pytest

from ingestion.slides.dicom_check import dicom_wsi_problems


@pytest.fixture
def copy(dicom, tmp_path):
    folder = tmp_path / "upload"
    shutil.copytree(dicom.path, folder)
    return folder


def _files(folder):
    return sorted(folder.glob("*.dcm"))


def _of(folder, flavour, *, smallest=False):
    found = [(p, pydicom.dcmread(p)) for p in _files(folder)]
    found = [(p, ds) for p, ds in found if ds.ImageType[2] == flavour]
    return sorted(found, key=lambda f: f[1].TotalPixelMatrixColumns)[0 if smallest else -1]


def test_a_converted_slide_has_no_problems(dicom):
    assert dicom_wsi_problems(list(dicom.files), name="IMAGE_a") == []


def test_two_series_are_one_too_many(dicom, converted_svs):
    [problem] = dicom_wsi_problems([*dicom.files, *converted_svs.instances], name="IMAGE_a")
    assert problem.startswith("IMAGE_a mixes 2 series") and "send each series as its own image" in problem


def test_frames_missing(copy):
    path, ds = _of(copy, "VOLUME")
    ds.NumberOfFrames = int(ds.NumberOfFrames) - 1
    ds.save_as(path)
    [problem] = dicom_wsi_problems(_files(copy), name="IMAGE_a")
    assert f"{path.name} (VOLUME) has {ds.NumberOfFrames} frames" in problem
    assert f"need {ds.NumberOfFrames + 1}" in problem


def test_pixel_spacing_that_does_not_fit_the_size(copy):
    path, ds = _of(copy, "VOLUME", smallest=True)
    ds.SharedFunctionalGroupsSequence[0].PixelMeasuresSequence[0].PixelSpacing = ["0.002", "0.002"]
    ds.save_as(path)
    [problem] = dicom_wsi_problems(_files(copy), name="IMAGE_a")
    assert "its pixel spacing is wrong or it belongs to another slide" in problem and path.name in problem


def test_no_tile_size_and_no_volume(copy):
    for path in _files(copy):
        if pydicom.dcmread(path, stop_before_pixels=True).ImageType[2] == "VOLUME":
            path.unlink()
    path, ds = _of(copy, "LABEL")
    del ds.Rows
    ds.save_as(path)
    problems = dicom_wsi_problems(_files(copy), name="IMAGE_a")
    assert any("has no tile size (Rows and Columns)" in p for p in problems)
    assert any(p.startswith("IMAGE_a has no VOLUME instance") for p in problems)


def test_other_dicom_and_non_dicom_files(copy):
    (copy / "notes.dcm").write_bytes(b"not dicom at all")
    ct = pydicom.dcmread(_files(copy)[0], stop_before_pixels=True)
    ct.SOPClassUID = ct.file_meta.MediaStorageSOPClassUID = pydicom.uid.CTImageStorage
    ct.save_as(copy / "ct.dcm")
    problems = dicom_wsi_problems(_files(copy), name="IMAGE_a")
    assert any(p.startswith("IMAGE_a: ct.dcm is CT Image Storage, not VL Whole Slide") for p in problems)
    assert any(p.startswith("IMAGE_a: notes.dcm is not a DICOM file") for p in problems)
