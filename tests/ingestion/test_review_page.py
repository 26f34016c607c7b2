"""The steward's review page: report, files, preview, history; return and reject, refused for contributors."""

import pytest

from bigpicture.errors import UserError
from ingestion.services.review import review_act
from ingestion.services.submissions import TransitionRefused, submission_transition
from ingestion.states import SubmissionState
from tests.ingestion.review_bundles import upload_bundle, validated
from tests.ingestion.review_fixtures import *  # noqa: F401,F403  (fixtures: these win over conftest's)
from tests.repository.metaflex_bundles import BundleBuilder

pytestmark = pytest.mark.usefixtures("local_storage")


@pytest.fixture
def awaiting(submission, contributor, tmp_path):
    upload_bundle(submission, BundleBuilder(tmp_path / "b").write())
    submission = validated(submission, contributor)
    assert submission.state == SubmissionState.AWAITING_REVIEW, submission.report["text"]
    return submission


def test_steward_sees_report_files_preview_and_history(client, steward, awaiting):
    client.force_login(steward)
    response = client.get(f"/submissions/{awaiting.pk}/review/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Validation report" in page and "METADATA/dataset.xml" in page
    assert awaiting.files.first().computed_sha256 in page
    assert 'sandbox srcdoc="' in page and "Landing page preview" in page
    assert "validation_passed" in page and "processing_done" in page
    for label in ("Approve and publish", "Return to contributor", "Reject"):
        assert label in page


def test_the_preview_is_the_landing_page_as_it_will_look(awaiting):
    html = awaiting.preview_html
    assert '<h1 id="dataset-title">' in html and "Terms of use and access" in html
    assert "How to cite" in html or "citation" in html.lower()


def test_warnings_are_shown_grouped(client, steward, awaiting):
    awaiting.report["problems"].append({"rule": "profile.recommended", "severity": "warning", "file":
                                        "METADATA/sample.xml", "line": 7, "element": "SPECIMEN", "alias": "spec1",
                                        "message": "the profile recommends fixation_type."})
    awaiting.save()
    client.force_login(steward)
    page = client.get(f"/submissions/{awaiting.pk}/review/").content.decode()
    assert "Warnings (1)" in page and "the profile recommends fixation_type." in page


def test_contributors_and_anonymous_users_cannot_open_it(client, contributor, awaiting):
    assert client.get(f"/submissions/{awaiting.pk}/review/").status_code == 302  # to the login page
    client.force_login(contributor)
    assert client.get(f"/submissions/{awaiting.pk}/review/").status_code == 403
    response = client.post(f"/submissions/{awaiting.pk}/review/action/", {"action": "reject", "message": "no"})
    assert response.status_code == 403
    awaiting.refresh_from_db()
    assert awaiting.state == SubmissionState.AWAITING_REVIEW


def test_steward_returns_with_reasons(client, steward, awaiting):
    client.force_login(steward)
    url = f"/submissions/{awaiting.pk}/review/action/"
    response = client.post(url, {"action": "return", "message": ""}, follow=True)
    assert "needs a message" in response.content.decode()
    awaiting.refresh_from_db()
    assert awaiting.state == SubmissionState.AWAITING_REVIEW
    client.post(url, {"action": "return", "message": "Add the fixation type to every specimen."})
    awaiting.refresh_from_db()
    assert awaiting.state == SubmissionState.RETURNED
    event = awaiting.events.get(action="return")
    assert event.actor == steward and event.message == "Add the fixation type to every specimen."


def test_steward_rejects(client, steward, awaiting):
    client.force_login(steward)
    client.post(f"/submissions/{awaiting.pk}/review/action/", {"action": "reject", "message": "Not our scope."})
    awaiting.refresh_from_db()
    assert awaiting.state == SubmissionState.REJECTED


def test_review_actions_are_refused_for_contributors_in_the_services(contributor, awaiting):
    with pytest.raises(UserError, match="Only data stewards"):
        review_act(submission=awaiting, action="approve", actor=contributor)
    with pytest.raises(TransitionRefused, match="may not"):
        submission_transition(submission=awaiting, action="reject", actor=contributor, message="x")
    with pytest.raises(UserError, match="not a review action"):
        review_act(submission=awaiting, action="processing_done", actor=contributor)
