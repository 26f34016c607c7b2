"""Locating frames from the header alone, for each way encapsulated pixel data can be laid out."""

import io

import pytest
from pydicom import Dataset
from pydicom.encaps import encapsulate, encapsulate_extended
from pydicom.uid import ExplicitVRLittleEndian, JPEGBaseline8Bit, generate_uid

from access.services.dicomweb_index import NotIndexable, frame_bytes, header_read

FRAMES = [bytes([n]) * (100 + 38 * n) for n in range(1, 6)]  # even lengths, so items need no padding


def _file(pixel_data: bytes, *, syntax=JPEGBaseline8Bit, frames: int = 5, **elements) -> bytes:
    dataset = Dataset()
    dataset.SOPClassUID, dataset.SOPInstanceUID = "1.2.840.10008.5.1.4.1.1.77.1.6", generate_uid()
    dataset.NumberOfFrames, dataset.Rows, dataset.Columns = frames, 4, 4
    for keyword, value in elements.items():
        setattr(dataset, keyword, value)
    dataset.PixelData = pixel_data
    dataset["PixelData"].VR = "OB"
    dataset.ensure_file_meta()
    dataset.file_meta.TransferSyntaxUID = syntax
    out = io.BytesIO()
    dataset.save_as(out, enforce_file_format=True)
    return out.getvalue()


def _frames(data: bytes) -> list[bytes]:
    header = header_read(io.BytesIO(data))
    encapsulated = header.transfer_syntax.is_encapsulated
    return [frame_bytes(data[start:end], encapsulated=encapsulated) for start, end in header.frame_ranges]


@pytest.mark.parametrize("has_bot", [True, False])
def test_one_fragment_per_frame_with_or_without_a_basic_offset_table(has_bot):
    assert _frames(_file(encapsulate(FRAMES, has_bot=has_bot))) == FRAMES


def test_several_fragments_per_frame_are_joined_by_the_basic_offset_table():
    frames = [frame + frame[::-1] for frame in FRAMES]  # even lengths, split in two fragments each
    assert _frames(_file(encapsulate(frames, fragments_per_frame=2, has_bot=True))) == frames


def test_the_extended_offset_table():
    pixel_data, offsets, lengths = encapsulate_extended(FRAMES)
    data = _file(pixel_data, ExtendedOffsetTable=offsets, ExtendedOffsetTableLengths=lengths)
    assert _frames(data) == FRAMES


def test_native_frames_are_cut_evenly():
    pixels = b"".join(bytes([n]) * 16 for n in range(5))
    assert _frames(_file(pixels, syntax=ExplicitVRLittleEndian)) == [bytes([n]) * 16 for n in range(5)]


def test_several_fragments_without_a_table_cannot_be_indexed():
    frames = [frame + frame[::-1] for frame in FRAMES]
    with pytest.raises(NotIndexable):
        header_read(io.BytesIO(_file(encapsulate(frames, fragments_per_frame=2, has_bot=False))))


def test_a_file_that_ends_before_any_pixel_data_cannot_be_indexed():
    data = _file(encapsulate(FRAMES, has_bot=True))
    end_of_header = data.index(b"\xe0\x7f\x10\x00")  # the Pixel Data tag, (7FE0,0010) little endian
    with pytest.raises(NotIndexable, match="no pixel data"):
        header_read(io.BytesIO(data[:end_of_header]))
