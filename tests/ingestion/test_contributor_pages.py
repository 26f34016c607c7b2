"""The contributor's submission pages: who sees what, creating a submission, and the action buttons."""

import pytest
from django.urls import reverse
from django.utils import timezone

from access.roles import Role
from ingestion.models import Submission
from ingestion.services.validation import report_json
from ingestion.states import SubmissionState
from metaflex.types import Problem, Report
from repository.models import Dataset
from tests.access.factories import OrganisationFactory
from tests.ingestion.contributor_kit import contributor, person, submission_of

pytestmark = pytest.mark.django_db


def detail_url(submission) -> str:
    return reverse("ingestion:detail", kwargs={"submission_id": submission.pk})


@pytest.mark.parametrize("name", ["ingestion:list", "ingestion:create"])
def test_anonymous_is_sent_to_login(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_anonymous_detail_is_sent_to_login_and_writes_nothing(client):
    submission = submission_of(contributor())
    before = Submission.objects.get(pk=submission.pk).updated
    response = client.get(detail_url(submission))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert Submission.objects.get(pk=submission.pk).updated == before


def test_list_shows_my_organisations_submissions_only(client):
    me = contributor()
    colleague = contributor(organisation=me.organisation)
    stranger = contributor()
    submission_of(colleague, title="Colleague's biopsies")
    submission_of(stranger, title="Someone else's livers")
    client.force_login(me)
    page = client.get(reverse("ingestion:list")).content.decode()
    assert "Colleague&#x27;s biopsies" in page and "Draft" in page
    assert "livers" not in page


def test_other_organisations_submission_is_404(client):
    submission = submission_of(contributor())
    client.force_login(contributor())
    assert client.get(detail_url(submission)).status_code == 404
    response = client.post(reverse("ingestion:action", kwargs={"submission_id": submission.pk}),
                           {"action": "cancel"})
    assert response.status_code == 404
    assert Submission.objects.get(pk=submission.pk).state == SubmissionState.DRAFT


def test_create_then_detail_shows_upload_and_empty_report(client):
    me = contributor()
    client.force_login(me)
    response = client.post(reverse("ingestion:create"),
                           {"organisation": me.organisation.slug, "title": "DATASET_skin", "dataset": ""})
    submission = Submission.objects.get(created_by=me)
    assert response.status_code == 302 and response["Location"] == detail_url(submission)
    page = client.get(detail_url(submission)).content.decode()
    assert "DATASET_skin" in page
    assert 'webkitdirectory' in page and f'data-api="/api/v1/submissions/{submission.pk}/"' in page
    assert "No report yet" in page and "Cancel submission" in page
    assert "Submit for review" not in page  # only from "uploading", after the first file


def test_create_refused_shows_the_services_message(client):
    # The form accepts any dataset accession; the service refuses one of another organisation.
    me = contributor()
    theirs = Dataset.objects.create(accession="bp-dataset-aaaaaa-bbbbbb", alias="theirs",
                                    organisation=OrganisationFactory())
    client.force_login(me)
    response = client.post(reverse("ingestion:create"),
                           {"organisation": me.organisation.slug, "dataset": theirs.accession})
    assert response.status_code == 200
    assert "Dataset bp-dataset-aaaaaa-bbbbbb belongs to another organisation." in response.content.decode()
    assert not Submission.objects.exists()


def test_who_may_not_submit_is_told_whom_to_ask(client):
    client.force_login(person(Role.RESEARCHER))
    page = client.get(reverse("ingestion:create")).content.decode()
    assert "You belong to no organisation you may submit for" in page
    response = client.post(reverse("ingestion:create"), {"organisation": "anything"})
    assert response.status_code == 200 and not Submission.objects.exists()


def test_create_cannot_pick_another_organisation(client):
    me = contributor()
    other = OrganisationFactory()
    client.force_login(me)
    response = client.post(reverse("ingestion:create"), {"organisation": other.slug})
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert not Submission.objects.exists()


def test_create_with_unknown_dataset_says_what_to_do(client):
    me = contributor()
    client.force_login(me)
    response = client.post(reverse("ingestion:create"),
                           {"organisation": me.organisation.slug, "dataset": "aa-dataset-xxxxxx-yyyyyy"})
    assert "No dataset has the accession aa-dataset-xxxxxx-yyyyyy" in response.content.decode()


def test_action_button_fires_the_transition_and_records_it(client):
    me = contributor()
    submission = submission_of(me)
    client.force_login(me)
    response = client.post(reverse("ingestion:action", kwargs={"submission_id": submission.pk}),
                           {"action": "cancel"}, follow=True)
    assert Submission.objects.get(pk=submission.pk).state == SubmissionState.CANCELLED
    page = response.content.decode()
    assert "the submission is now cancelled" in page
    assert "Cancelled" in page and "Draft" in page  # the history row
    assert "webkitdirectory" not in page  # no more uploads


def test_refused_action_is_a_message_not_an_error_page(client):
    me = contributor()
    submission = submission_of(me)
    client.force_login(me)
    response = client.post(reverse("ingestion:action", kwargs={"submission_id": submission.pk}),
                           {"action": "approve"}, follow=True)
    assert response.status_code == 200
    assert "Cannot approve and publish: the submission is draft." in response.content.decode()
    assert Submission.objects.get(pk=submission.pk).state == SubmissionState.DRAFT


def test_report_is_shown_grouped_and_as_the_cli_prints_it(client):
    me = contributor()
    submission = submission_of(me)
    report = Report([Problem(rule="ref.unresolved", message="IMAGE_OF refers to slide 'x', which does not exist.",
                             file="METADATA/image.xml", line=12, element="IMAGE", alias="img1")])
    Submission.objects.filter(pk=submission.pk).update(report=report_json(report), report_at=timezone.now())
    client.force_login(me)
    page = client.get(detail_url(submission)).content.decode()
    assert ">1 error</span>" in page and '<h4 class="report-file">METADATA/image.xml</h4>' in page
    assert "METADATA/image.xml:12: [ref.unresolved] IMAGE &#x27;img1&#x27;: IMAGE_OF refers" in page
    assert "1 error(s), 0 warning(s)." in page


def test_nav_shows_submissions_to_contributors_only(client):
    client.force_login(contributor())
    assert 'href="/submissions/"' in client.get("/").content.decode()
    client.force_login(person(Role.RESEARCHER))
    assert 'href="/submissions/"' not in client.get("/").content.decode()


def test_steward_sees_a_draft_without_the_upload_client(client):
    submission = submission_of(contributor())
    client.force_login(person(Role.DATA_STEWARD))
    page = client.get(detail_url(submission)).content.decode()
    assert "Skin biopsies" in page
    assert "webkitdirectory" not in page and 'id="check-bundle"' not in page


def test_report_section_polls_until_a_newer_report_and_not_for_ever(client):
    me = contributor()
    submission = submission_of(me)
    client.force_login(me)
    url = reverse("ingestion:report", kwargs={"submission_id": submission.pk})
    waiting = client.get(url, {"since": "none", "polls": "3"}).content.decode()
    assert "hx-trigger" in waiting and "polls=4" in waiting and "Checking the bundle" in waiting
    Submission.objects.filter(pk=submission.pk).update(report=report_json(Report([])), report_at=timezone.now())
    done = client.get(url, {"since": "none", "polls": "4"}).content.decode()
    assert "hx-trigger" not in done and "No errors" in done
    slow = client.get(url, {"since": Submission.objects.get(pk=submission.pk).report_at.isoformat(),
                            "polls": "120"}).content.decode()
    assert "hx-trigger" not in slow and "taking longer than usual" in slow
