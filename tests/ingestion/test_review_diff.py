"""A submission that versions a published dataset shows the importer's changes against the previous version."""

import pytest

from ingestion.models import Submission
from ingestion.services.publishing import submission_publish
from ingestion.services.review import review_act
from ingestion.states import SubmissionState
from tests.ingestion.review_bundles import committed, upload_bundle, validated
from tests.ingestion.review_fixtures import *  # noqa: F401,F403  (fixtures: these win over conftest's)
from tests.repository.metaflex_bundles import BundleBuilder, s_attr

pytestmark = pytest.mark.usefixtures("local_storage")


@pytest.fixture
def second(submission, organisation, contributor, steward, tmp_path):
    upload_bundle(submission, BundleBuilder(tmp_path / "v1").write())
    first = validated(submission, contributor)
    assert first.diff == {}  # a first version has nothing to compare with
    review_act(submission=first, action="approve", actor=steward)
    first = committed(submission_publish, submission_id=first.pk)
    builder = BundleBuilder(tmp_path / "v2")
    builder.find("image", "IMAGE[@alias='img2']/ATTRIBUTES").append(s_attr("comment", "rescanned"))
    builder.remove("observation", "OBSERVATION[@alias='obsv2']")
    builder.remove("dataset", "DATASET/OBSERVATION_REF[@alias='obsv2']")
    again = Submission.objects.create(organisation=organisation, created_by=contributor, title="Rescan",
                                      dataset=first.dataset, changelog="Rescanned img2.")
    upload_bundle(again, builder.write())
    return first, validated(again, contributor)


def test_the_diff_lists_the_importers_changes(second):
    first, again = second
    assert again.state == SubmissionState.AWAITING_REVIEW, again.report["text"]
    diff = again.diff
    assert diff["dataset"] == first.dataset.accession and diff["previous_version"] == 1 and diff["version"] == 2
    changes = {(c["alias"], c["change"]) for c in diff["changes"]}
    assert {("img2", "changed"), ("obsv2", "removed")} <= changes
    assert diff["counts"]["changed"] >= 1 and diff["counts"]["removed"] == 1
    assert ("img1", "changed") not in changes
    # The rehearsal wrote nothing: version 1 is still the latest.
    first.dataset.refresh_from_db()
    assert first.dataset.latest_version.number == 1 and first.dataset.versions.count() == 1


def test_the_review_page_shows_it(client, steward, second):
    first, again = second
    client.force_login(steward)
    page = client.get(f"/submissions/{again.pk}/review/").content.decode()
    assert f"Changes against version 1 of {first.dataset.accession}" in page
    assert "obsv2" in page and "1 removed" in page
