"""Conformance with real clients over a live server: wsidicom's DICOMweb client and dicomweb-client."""

import numpy as np
import pytest
import requests
from dicomweb_client import DICOMwebClient
from wsidicom import WsiDicom, WsiDicomWebClient

from access.applications.commands import application_command
from access.models import DicomInstance
from access.selectors.pixels import image_for_pixels, instance_open
from tests.access.factories import UserFactory
from tests.accesslayer.dicomweb.conftest import bearer, entitle

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


@pytest.fixture
def session_with():
    """requests sessions, closed after the test (so the live server's threads end with their connections)."""
    sessions = []

    def make(headers) -> requests.Session:
        session = requests.Session()
        session.headers.update(headers)
        sessions.append(session)
        return session
    yield make
    for session in sessions:
        session.close()


def test_wsidicom_opens_the_slide_and_reads_regions_identical_to_the_files(
        dicomweb_url, entitled_user, slide_uids, session_with):
    study, series = slide_uids
    client = WsiDicomWebClient.create_client(dicomweb_url, auth=session_with(bearer(entitled_user)))
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


def test_dicomweb_client_searches_and_retrieves_until_the_entitlement_is_revoked(dicomweb_url, indexed, slide_uids,
                                                                                 session_with):
    study, series = slide_uids
    user = UserFactory()
    application, handler = entitle(indexed.dataset, user)
    client = DICOMwebClient(dicomweb_url, session=session_with(bearer(user)))
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

    application_command(application=application, command="revoke", actor=handler, comment="Misuse.")
    assert client.search_for_studies() == []
    with pytest.raises(requests.HTTPError) as refused:
        client.retrieve_instance_frames(study, series, volume.sop_uid, frame_numbers=[1],
                                        media_types=(("image/jpeg", volume.transfer_syntax_uid),))
    assert refused.value.response.status_code == 403
