"""Who sees what on /dicomweb/: session or bearer token, entitlement, indirect access, revocation, audit."""

import pytest
from django.utils import timezone

from access.applications.commands import application_command
from access.models import ApiToken, DicomInstance, PixelReadSession
from access.roles import Role
from access.services import role_grant, token_revoke
from governance.models import AuditEvent
from repository.models import AccessType
from tests.access.factories import UserFactory
from tests.accesslayer.dicomweb.conftest import bearer, entitle

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def _volume(version) -> DicomInstance:
    return DicomInstance.objects.filter(version=version, flavor="VOLUME").order_by("pk").first()


def _frame_url(row: DicomInstance, frames: str = "1") -> str:
    return (f"/dicomweb/studies/{row.study_uid}/series/{row.series_uid}/instances/{row.sop_uid}"
            f"/frames/{frames}")


def _studies(client, headers) -> set[str]:
    response = client.get("/dicomweb/studies", headers=headers)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/dicom+json"
    return {study["0020000D"]["Value"][0] for study in response.json()}


def test_anonymous_is_asked_to_authenticate(client, indexed):
    for url in ("/dicomweb/studies", _frame_url(_volume(indexed))):
        response = client.get(url)
        assert response.status_code == 401 and response["WWW-Authenticate"].startswith("Bearer")


def test_an_entitled_user_sees_the_dataset_by_token_and_by_session(client, indexed, entitled_user):
    expected = set(DicomInstance.objects.filter(version=indexed).values_list("study_uid", flat=True))
    assert _studies(client, bearer(entitled_user)) == expected
    client.force_login(entitled_user)
    assert _studies(client, {}) == expected
    assert client.get(_frame_url(_volume(indexed)), headers={"Accept": "*/*"}).status_code == 200


def test_an_unentitled_user_sees_nothing(client, indexed, unentitled_user):
    headers = bearer(unentitled_user)
    assert _studies(client, headers) == set()
    row = _volume(indexed)
    assert client.get("/dicomweb/instances", headers=headers).json() == []
    assert client.get(f"/dicomweb/studies/{row.study_uid}/metadata", headers=headers).status_code == 404
    assert client.get(_frame_url(row), headers=headers).status_code == 403


def test_indirect_access_never_appears_not_even_to_a_data_steward(client, indexed, entitled_user):
    steward = UserFactory()
    role_grant(user=steward, role=Role.DATA_STEWARD)
    assert _studies(client, bearer(steward))  # stewards see direct-access datasets
    indexed.access_type = AccessType.INDIRECT
    indexed.save(update_fields=["access_type"])
    row = _volume(indexed)
    for user in (entitled_user, steward):
        headers = bearer(user)
        assert _studies(client, headers) == set()
        assert client.get(f"/dicomweb/studies/{row.study_uid}/series/{row.series_uid}/metadata",
                          headers=headers).status_code == 404
        assert client.get(_frame_url(row), headers={**headers, "Accept": "*/*"}).status_code == 404


def test_a_revoked_or_bad_token_is_401(client, indexed, entitled_user):
    headers = bearer(entitled_user)
    assert client.get("/dicomweb/studies", headers=headers).status_code == 200
    token_revoke(token=ApiToken.objects.get(user=entitled_user))
    response = client.get("/dicomweb/studies", headers=headers)
    assert response.status_code == 401 and b"revoked" in response.content
    assert client.get("/dicomweb/studies", headers={"Authorization": "Bearer bpt_nope_nope"}).status_code == 401


def test_revoking_the_entitlement_refuses_the_next_request(client, indexed):
    user = UserFactory()
    application, handler = entitle(indexed.dataset, user)
    headers = {**bearer(user), "Accept": "*/*"}
    row = _volume(indexed)
    assert client.get(_frame_url(row), headers=headers).status_code == 200
    assert _studies(client, headers)
    application_command(application=application, command="revoke", actor=handler, comment="Misuse.")
    assert client.get(_frame_url(row), headers=headers).status_code == 403
    assert _studies(client, headers) == set()


def test_reads_are_audited(client, indexed, entitled_user):
    headers = {**bearer(entitled_user), "Accept": "*/*"}
    row = _volume(indexed)
    started = timezone.now()
    client.get("/dicomweb/studies", headers=headers)
    client.get(f"/dicomweb/studies/{row.study_uid}/series/{row.series_uid}/metadata", headers=headers)
    client.get(_frame_url(row, "1,2"), headers=headers)
    client.get(_frame_url(row, "3"), headers=headers)
    actions = list(AuditEvent.objects.filter(timestamp__gte=started, actor_id=entitled_user.pk)
                   .values_list("action", flat=True))
    assert actions == ["dicomweb.search", "dicomweb.metadata", "pixels.session_start"]
    session = PixelReadSession.objects.get(user=entitled_user)
    assert session.image_accession == row.image.accession and session.via == "frame" and session.read_count == 3
