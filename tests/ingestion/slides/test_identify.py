"""identify(): slides recognised by their content, bad uploads refused with a sentence naming them."""

from __future__ import annotations

import os
import shutil

import pydicom
import pytest
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import CTImageStorage, ExplicitVRLittleEndian, generate_uid

from bigpicture.errors import PermanentError
from ingestion.slides.identify import identify
from repository.synthetic.small import sample_image_bytes


def test_svs_is_identified_by_content_even_without_its_name(svs, tmp_path):
    anonymous = tmp_path / "upload-1234"
    shutil.copy(svs.path, anonymous)
    fmt = identify(anonymous, name="IMAGES/IMAGE_a/scan.bin")
    assert (fmt.kind, fmt.label, fmt.reader) == ("svs", "Aperio SVS", "opentile")
    assert (fmt.width, fmt.height, fmt.levels, fmt.mpp) == (2048, 1536, len(svs.levels), pytest.approx(0.25))


def test_ome_tiff(ome):
    fmt = identify(ome.path, name="slide.ome.tiff")
    assert (fmt.kind, fmt.reader, fmt.width, fmt.height, fmt.levels) == ("ome_tiff", "opentile", 2048, 1536, 3)
    assert fmt.mpp == pytest.approx(0.25)


def test_generic_tiled_tiff_is_read_with_openslide(tiled_tiff):
    fmt = identify(tiled_tiff.path, name="slide.tif")
    assert (fmt.kind, fmt.label, fmt.reader, fmt.levels) == ("tiff", "tiled TIFF", "openslide", 3)
    assert fmt.mpp == pytest.approx(0.25)


def test_dicom_folder_and_files(dicom):
    fmt = identify(dicom.path, name="IMAGES/IMAGE_a/")
    assert (fmt.kind, fmt.reader, fmt.width, fmt.height, fmt.levels) == ("dicom", "wsidicom", 2048, 1536, 2)
    label = next(f for f in dicom.files if "LABEL" in pydicom.dcmread(f, stop_before_pixels=True).ImageType)
    with pytest.raises(PermanentError, match="label.dcm is DICOM WSI, but wsidicom cannot open it as one slide"):
        identify(label, name="label.dcm")


def _refusal(path, name):
    with pytest.raises(PermanentError) as caught:
        identify(path, name=name)
    message = str(caught.value)
    assert message.startswith(name)
    return message


def test_zero_bytes(tmp_path):
    (tmp_path / "empty.svs").write_bytes(b"")
    assert "empty (zero bytes)" in _refusal(tmp_path / "empty.svs", "empty.svs")


def test_renamed_jpeg_is_called_a_photo(tmp_path):
    (tmp_path / "photo.svs").write_bytes(sample_image_bytes("photo", size=(640, 480)))
    assert "is a JPEG photo, not a whole-slide image" in _refusal(tmp_path / "photo.svs", "photo.svs")


def test_random_bytes_list_what_is_read(tmp_path):
    (tmp_path / "noise.ndpi").write_bytes(os.urandom(64 << 10))
    message = _refusal(tmp_path / "noise.ndpi", "noise.ndpi")
    assert "not a slide format the portal reads: Aperio SVS, Hamamatsu NDPI" in message
    assert "DICOM WSI" in message


@pytest.mark.parametrize("keep", [0.5, 0.98, -100])
def test_truncated_svs_says_where_it_ends(svs, tmp_path, keep):
    data = svs.path.read_bytes()
    cut = len(data) + keep if keep < 0 else int(len(data) * keep)
    (tmp_path / "cut.svs").write_bytes(data[:cut])
    message = _refusal(tmp_path / "cut.svs", "cut.svs")
    assert "truncated" in message and f"ends at byte {cut:,}" in message


def test_last_strip_missing_is_truncation_too(svs, tmp_path):
    # The macro is the last page: its IFD is whole, only its strip's end is cut off.
    data = svs.path.read_bytes()
    (tmp_path / "cut.svs").write_bytes(data[:-1])
    assert f"ends at byte {len(data) - 1:,}" in _refusal(tmp_path / "cut.svs", "cut.svs")


def test_truncated_ome_subifd_levels(ome, tmp_path):
    data = ome.path.read_bytes()
    (tmp_path / "cut.ome.tiff").write_bytes(data[: len(data) - 5000])
    assert "truncated" in _refusal(tmp_path / "cut.ome.tiff", "cut.ome.tiff")


def test_dicom_that_is_not_a_slide_names_its_sop_class(tmp_path):
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = CTImageStorage
    meta.MediaStorageSOPInstanceUID = generate_uid()
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = Dataset()
    ds.file_meta = meta
    ds.SOPClassUID, ds.SOPInstanceUID = CTImageStorage, meta.MediaStorageSOPInstanceUID
    ds.Modality, ds.Rows, ds.Columns = "CT", 16, 16
    ds.save_as(tmp_path / "ct.dcm", enforce_file_format=True)
    assert pydicom.dcmread(tmp_path / "ct.dcm").SOPClassUID == CTImageStorage
    message = _refusal(tmp_path / "ct.dcm", "ct.dcm")
    assert "CT Image Storage" in message and CTImageStorage in message
    assert "1.2.840.10008.5.1.4.1.1.77.1.6" in message
