"""Submitting validates the inbox bundle with the importer: the report is stored, with the CLI's own text."""

from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from bigpicture.errors import UserError
from ingestion.services.validation import report_request, submission_validate
from ingestion.states import Failure, SubmissionState
from repository.models import Dataset
from tests.ingestion.review_bundles import upload_bundle, validated
from tests.ingestion.review_fixtures import *  # noqa: F401,F403  (fixtures: these win over conftest's)
from tests.repository.metaflex_bundles import BundleBuilder

pytestmark = pytest.mark.usefixtures("local_storage")


def _cli_text(bundle_dir, organisation) -> str:
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("import_metaflex", str(bundle_dir), "--organisation", organisation.slug, "--dry-run",
                     stdout=out)
    return out.getvalue().strip()


def test_valid_bundle_reaches_review_with_its_report(submission, contributor, tmp_path):
    upload_bundle(submission, BundleBuilder(tmp_path / "b").write())
    submission = validated(submission, contributor)
    assert submission.state == SubmissionState.AWAITING_REVIEW
    report = submission.report
    assert report["ok"] is True and report["errors"] == 0 and submission.report_at is not None
    assert report["text"].endswith(f"0 error(s), {report['warnings']} warning(s).") or report["text"] == \
        "No problems found."
    assert [e.action for e in submission.events.all()] == ["upload", "submit", "validation_passed",
                                                           "processing_done"]
    # The scratch copy of the bundle is gone, and the rehearsal wrote nothing to the repository.
    assert list((Path(settings.VAR_DIR) / "scratch").glob(f"bundle-{submission.pk}-*")) == []
    assert not Dataset.objects.exists()


def test_invalid_bundle_goes_back_to_uploading_with_the_cli_messages(submission, contributor, organisation,
                                                                     tmp_path):
    builder = BundleBuilder(tmp_path / "b")
    builder.find("image", "IMAGE[@alias='img1']/IMAGE_TYPE").clear()
    bundle = builder.write()
    (bundle / "IMAGES" / "IMAGE_img2" / "img2.dcm").write_bytes(b"not the listed bytes")
    upload_bundle(submission, bundle)
    submission = validated(submission, contributor)
    assert submission.state == SubmissionState.UPLOADING
    failed = submission.events.get(action="validation_failed")
    errors = submission.report["errors"]
    assert errors >= 2 and failed.failure == Failure.USER and failed.message == f"{errors} errors; see the report."
    assert submission.report["ok"] is False
    rules = {p["rule"] for p in submission.report["problems"]}
    assert any(rule.startswith("file.") or "checksum" in rule for rule in rules), rules
    # The same messages, word for word, as `import_metaflex` prints for the same bundle.
    assert submission.report["text"] == _cli_text(bundle, organisation)
    assert "IMAGES/IMAGE_img2/img2.dcm" in submission.report["text"]
    assert submission.preview_html == ""


def test_check_reports_without_a_transition(submission, contributor, tmp_path):
    upload_bundle(submission, BundleBuilder(tmp_path / "b").write())
    checked = submission_validate(submission_id=submission.pk, transition=False)
    assert checked.state == SubmissionState.UPLOADING and checked.report["ok"] is True
    assert not checked.events.filter(action__startswith="validation").exists()


def test_check_is_for_the_submitting_side_while_uploading(submission, contributor, steward, user_factory,
                                                          tmp_path):
    upload_bundle(submission, BundleBuilder(tmp_path / "b").write())
    report_request(submission, contributor)  # dispatched on commit; the worker test runs a real one
    with pytest.raises(UserError, match="may not check"):
        report_request(submission, user_factory())
    submission.state = SubmissionState.AWAITING_REVIEW
    with pytest.raises(UserError, match="only while uploading"):
        report_request(submission, steward)


def test_a_second_run_of_the_task_changes_nothing(submission, contributor, tmp_path):
    upload_bundle(submission, BundleBuilder(tmp_path / "b").write())
    submission = validated(submission, contributor)
    events = submission.events.count()
    assert submission_validate(submission_id=submission.pk) is None
    assert submission.events.count() == events


def test_the_tasks_transitions_dispatch_by_name_exist():
    from bigpicture.celery import app
    from ingestion.services.submissions import FOLLOW_UP_TASKS
    from ingestion.services.validation import REPORT_TASK

    for name in (*FOLLOW_UP_TASKS.values(), REPORT_TASK, app.conf.beat_schedule["sweep-rejected-inbox"]["task"]):
        assert name in app.tasks, name
