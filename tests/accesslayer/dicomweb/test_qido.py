"""QIDO-RS matching: keywords or tags, UID lists, includefield, limit and offset, unknown keys."""

import pytest

from access.models import DicomInstance
from tests.accesslayer.dicomweb.conftest import bearer

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]
WSI = "1.2.840.10008.5.1.4.1.1.77.1.6"


@pytest.fixture
def get(client, entitled_user, indexed):
    headers = bearer(entitled_user)

    def get(url, **params):
        response = client.get(url, params, headers=headers)
        assert response.status_code == 200, response.content
        return response.json()
    return get


def _uids(results, tag):
    return [r[tag]["Value"][0] for r in results]


def test_studies_series_and_instances_at_every_level(get, indexed):
    rows = DicomInstance.objects.filter(version=indexed)
    studies = get("/dicomweb/studies")
    assert sorted(_uids(studies, "0020000D")) == sorted(set(rows.values_list("study_uid", flat=True)))
    study = studies[0]
    assert study["00080061"]["Value"] == ["SM"]
    count = rows.filter(study_uid=_uids(studies, "0020000D")[0]).count()
    assert study["00201208"]["Value"] == [count]
    series = get("/dicomweb/series")
    # One slide is one series (two of the synthetic images are the same slide, so their files are too).
    assert len(series) == rows.values("series_uid").distinct().count() >= 2
    assert all(s["00080060"]["Value"] == ["SM"] for s in series)
    one = series[0]["0020000E"]["Value"][0]
    study_uid = series[0]["0020000D"]["Value"][0]
    in_series = get(f"/dicomweb/studies/{study_uid}/series/{one}/instances")
    assert sorted(_uids(in_series, "00080018")) == sorted(rows.filter(series_uid=one).values_list("sop_uid",
                                                                                                   flat=True))
    assert len(get("/dicomweb/instances")) == rows.count()
    assert len(get(f"/dicomweb/studies/{study_uid}/instances")) == rows.filter(study_uid=study_uid).count()


def test_matching_by_keyword_tag_and_uid_list(get, indexed):
    rows = DicomInstance.objects.filter(version=indexed)
    first, second = rows.values_list("series_uid", flat=True).distinct().order_by("series_uid")[:2]
    by_list = get("/dicomweb/instances", SeriesInstanceUID=f"{first},{second}")
    assert len(by_list) == rows.filter(series_uid__in=[first, second]).count()
    # dicomweb-client sends lists as repeated parameters, and wsidicom keys as tags
    by_tags = get("/dicomweb/instances", **{"0020000E": [first, second], "00080016": WSI, "00080060": "SM"})
    assert len(by_tags) == len(by_list)
    assert get("/dicomweb/instances", Modality="CT") == []
    volume = rows.filter(flavor="VOLUME").first()
    assert _uids(get("/dicomweb/instances", SOPInstanceUID=volume.sop_uid), "00080018") == [volume.sop_uid]
    assert get("/dicomweb/studies", PatientID=volume.patient_id[:3] + "*")
    assert get("/dicomweb/studies", PatientID="nobody") == []


def test_includefield_limit_and_offset(get, indexed):
    default = get("/dicomweb/instances", limit=2)
    assert len(default) == 2 and "00480006" not in default[0]  # TotalPixelMatrixColumns only when asked
    included = get("/dicomweb/instances", includefield="TotalPixelMatrixColumns", limit=2)
    assert all("00480006" in r for r in included)
    everything = get("/dicomweb/instances", includefield="all", limit=1)
    assert "00280010" in everything[0] and "00480006" in everything[0]
    all_uids = _uids(get("/dicomweb/instances"), "00080018")
    assert _uids(get("/dicomweb/instances", offset=2, limit=3), "00080018") == all_uids[2:5]
    assert get("/dicomweb/instances", offset=len(all_uids)) == []


def test_unknown_or_bad_parameters_are_400(client, entitled_user, indexed):
    headers = bearer(entitled_user)
    for params in ({"NoSuchKeyword": "1"}, {"PatientWeight": "70"}, {"limit": "x"}, {"offset": "-1"},
                   {"includefield": "NotAnAttribute"}):
        assert client.get("/dicomweb/instances", params, headers=headers).status_code == 400, params
