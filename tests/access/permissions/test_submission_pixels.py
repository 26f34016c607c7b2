"""can_access_pixels for the ingestion inbox: a submission's images are its organisation's contributors'
and the data stewards' to see (what may_view_pixels answered before it was folded in)."""

import pytest
from django.core.files.base import ContentFile

from access.roles import MembershipRole, Role
from access.selectors import can_access_pixels
from access.services import membership_grant, membership_revoke, role_grant
from bigpicture.storage import storage_for, storage_settings
from governance.models import AuditEvent
from ingestion.models import ImageJob, Submission
from tests.access.factories import OrganisationFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


@pytest.fixture
def submission():
    organisation = OrganisationFactory()
    contributor = UserFactory(organisation=None)
    membership_grant(user=contributor, organisation=organisation, role=MembershipRole.CONTRIBUTOR)
    return Submission.objects.create(organisation=organisation, created_by=contributor, title="Inbox")


def test_contributors_of_the_organisation_and_stewards_see_it(submission):
    contributor = submission.organisation.memberships.get().user
    steward, stranger = UserFactory(), UserFactory()
    role_grant(user=steward, role=Role.DATA_STEWARD)
    assert can_access_pixels(contributor, submission)
    assert can_access_pixels(steward, submission)
    assert not can_access_pixels(stranger, submission)


def test_a_revoked_membership_is_seen_at_once(submission):
    membership = submission.organisation.memberships.get()
    assert can_access_pixels(membership.user, submission)
    membership_revoke(membership=membership)
    assert not can_access_pixels(membership.user, submission)


def test_the_inbox_thumbnail_asks_it_and_audits(submission, client, settings, tmp_path):
    settings.STORAGES = storage_settings(backend="local", media_root=tmp_path / "media", static_manifest=False)
    name = storage_for("inbox").save(f"{submission.pk}/thumbs/slide-1.jpg", ContentFile(b"\xff\xd8 a jpeg"))
    job = ImageJob.objects.create(submission=submission, image_alias="slide-1", thumbnail_name=name)
    url = f"/submissions/{submission.pk}/images/{job.pk}/thumbnail.jpg"
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    client.force_login(submission.organisation.memberships.get().user)
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"\xff\xd8 a jpeg"
    assert AuditEvent.objects.filter(action="submission.thumbnail_view", target_id=str(submission.pk)).count() == 1
