"""Conformance with real clients over a live server: wsidicom's DICOMweb client and dicomweb-client."""

import numpy as np
import pytest
from dicomweb_client import DICOMwebClient
from wsidicom import WsiDicom, WsiDicomWebClient

from access.models import DicomInstance
from access.selectors.pixels import image_for_pixels, instance_open
from tests.accesslayer.dicomweb.conftest import bearer

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


def _session(headers):
    import requests

    session = requests.Session()
    session.headers.update(headers)
    return session


def test_wsidicom_opens_the_slide_and_reads_regions_identical_to_the_files(
        dicomweb_url, entitled_user, slide_uids, wsi_image):
    study, series = slide_uids
    client = WsiDicomWebClient.create_client(dicomweb_url, auth=_session(bearer(entitled_user)))
    row = DicomInstance.objects.filter(series_uid=series).first()
    files = image_for_pixels(entitled_user, row.image.accession).files
    with WsiDicom.open_web(client, study, series) as remote, \
            WsiDicom.open_streams([instance_open(f) for f in files]) as local:
        assert remote.size == local.size and len(remote.levels) == len(local.levels) >= 2
        for level in range(len(local.levels)):
            size = local.levels[level].size
            location = (size.width // 3, size.height // 4)
            region = (min(300, size.width // 2), min(200, size.height // 2))
            assert np.array_equal(np.asarray(remote.read_region(location, level, region)),
                                  np.asarray(local.read_region(location, level, region)))
        assert np.array_equal(np.asarray(remote.read_thumbnail((128, 128))),
                              np.asarray(local.read_thumbnail((128, 128))))


def test_dicomweb_client_searches_and_retrieves(dicomweb_url, entitled_user, slide_uids):
    study, series = slide_uids
    client = DICOMwebClient(dicomweb_url, headers=bearer(entitled_user))
    studies = client.search_for_studies()
    assert study in [s["0020000D"]["Value"][0] for s in studies]
    found = client.search_for_series(study, search_filters={"Modality": "SM"})
    assert series in [s["0020000E"]["Value"][0] for s in found]
    instances = client.search_for_instances(study, series, fields=["NumberOfFrames"])
    rows = {r.sop_uid: r for r in DicomInstance.objects.filter(series_uid=series)}
    assert {i["00080018"]["Value"][0] for i in instances} == set(rows)
    metadata = client.retrieve_series_metadata(study, series)
    assert {m["00080018"]["Value"][0] for m in metadata} == set(rows)
    volume = max((r for r in rows.values() if r.flavor == "VOLUME"), key=lambda r: r.number_of_frames)
    frames = client.retrieve_instance_frames(study, series, volume.sop_uid, frame_numbers=[1, 2],
                                             media_types=(("image/jpeg", volume.transfer_syntax_uid),))
    assert len(frames) == 2 and all(f.startswith(b"\xff\xd8") for f in frames)
