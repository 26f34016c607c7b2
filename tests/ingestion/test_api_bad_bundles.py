"""Bad input through the real endpoints: a missing DSA, and an uploaded bundle with a file its metadata
does not list (found by the portal's validator on submit, reported with the command line's message)."""

from __future__ import annotations

import pytest

from ingestion.services.validation import submission_validate
from ingestion.states import Failure, SubmissionState
from tests.access.factories import OrganisationFactory
from tests.ingestion.pipelinekit import file_verify
from tests.ingestion.uploadkit import PortalClient, contributor_of
from tests.repository.metaflex_bundles import BundleBuilder

pytestmark = pytest.mark.postgres


def test_creating_without_a_signed_dsa_says_which_agreement_and_who_signs(live_server, transactional_db):
    organisation = OrganisationFactory(slug="unsigned-hospital", name="Unsigned Hospital")
    client = PortalClient(live_server.url, contributor_of(organisation))
    response = client.api("post", "submissions/", json={"organisation": organisation.slug, "title": "x"})
    assert response.status_code == 400
    assert "Data Sharing Agreement" in response.json()["detail"]
    assert not organisation.submissions.exists()


def test_an_unlisted_file_is_reported_on_submit_and_the_bundle_goes_back(portal, submission, tmp_path):
    bundle = BundleBuilder(tmp_path / "b").write()
    (bundle / "IMAGES" / "stray.dcm").write_bytes(b"not listed anywhere")
    for path in sorted(p for p in bundle.rglob("*") if p.is_file()):
        file = portal.upload(submission, path.relative_to(bundle).as_posix(), path.read_bytes())
        assert file_verify(file_id=file["id"]).state == "verified"

    answer = portal.api("post", f"submissions/{submission.pk}/actions/", json={"action": "submit"})
    assert answer.status_code == 200, answer.text
    submission_validate(submission_id=submission.pk)  # what the worker runs on "submit"

    shown = portal.api("get", f"submissions/{submission.pk}/").json()
    assert shown["state"] == SubmissionState.UPLOADING
    report = portal.api("get", f"submissions/{submission.pk}/report/").json()
    unlisted = [p for p in report["problems"] if p["file"].endswith("stray.dcm") or "stray.dcm" in p["message"]]
    assert unlisted and unlisted[0]["severity"] == "error", report["problems"]
    assert "stray.dcm" in report["text"]
    events = portal.api("get", f"submissions/{submission.pk}/events/").json()
    assert events[-1]["action"] == "validation_failed" and events[-1]["failure"] == Failure.USER
