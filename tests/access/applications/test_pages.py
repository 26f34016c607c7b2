"""The pages: request access from the landing page, fill in and submit, the handler approves, access shows."""

import pytest
from django.urls import reverse

from access.models import Application, ApplicationState, Entitlement
from access.models import FormFieldKind as K
from tests.access.applications.conftest import run
from tests.access.applications.factories import (
    CatalogueItemFactory,
    FormFactory,
    FormFieldFactory,
    license_with_text,
)
from tests.access.factories import UserFactory
from tests.repository.factories import DatasetVersionFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


@pytest.fixture
def offered(workflow):
    form = FormFactory()
    FormFieldFactory(form=form, key="title", kind=K.TEXT, label="Project title")
    FormFieldFactory(form=form, key="conflicts", kind=K.TEXTAREA, label="Conflicts of interest", private=True,
                     optional=True)
    FormFieldFactory(form=form, key="team", kind=K.TABLE, label="Team", optional=True,
                     columns=[{"key": "name", "label": "Name"}])
    version = DatasetVersionFactory()
    item = CatalogueItemFactory(dataset=version.dataset, workflow=workflow, form=form,
                                licenses=[license_with_text("Research use only.")])
    return item


def test_anonymous_users_log_in_first(client, offered):
    url = reverse("access:application_apply", args=[offered.dataset.accession])
    response = client.get(url)
    assert response.status_code == 302 and "/login" in response.url


def test_request_approve_entitled(client, offered, applicant, handler):
    client.force_login(applicant)
    landing = client.get(f"/datasets/{offered.dataset.accession}/").content.decode()
    apply_url = reverse("access:application_apply", args=[offered.dataset.accession])
    assert apply_url in landing
    client.post(apply_url)
    application = Application.objects.get(applicant=applicant)
    page = client.get(reverse("access:application", args=[application.pk])).content.decode()
    assert "I accept these terms" in page and "Project title" in page
    command = lambda name: reverse("access:application_command", args=[application.pk, name])  # noqa: E731
    client.post(command("accept-licenses"))
    response = client.post(command("submit"), {"title": "", "team__rows": "1", "team__0__name": "Ada"}, follow=True)
    assert "Project title: this field is required." in response.content.decode()
    client.post(command("submit"), {"title": "Grading", "conflicts": "none", "team__rows": "1",
                                    "team__0__name": "Ada"})
    application.refresh_from_db()
    assert application.state == ApplicationState.SUBMITTED and application.answers["team"] == [{"name": "Ada"}]

    client.force_login(handler)
    queue = client.get(reverse("access:application_queue")).content.decode()
    assert reverse("access:application", args=[application.pk]) in queue
    page = client.get(reverse("access:application", args=[application.pk])).content.decode()
    assert "Approve" in page and "Revoke" not in page
    client.post(command("approve"), {"entitlement_end": "", "comment": "Welcome."})
    assert Entitlement.objects.active().filter(user=applicant, dataset=offered.dataset).exists()

    client.force_login(applicant)
    mine = client.get(reverse("access:my_applications")).content.decode()
    assert "Approved" in mine
    page = client.get(reverse("access:application", args=[application.pk])).content.decode()
    assert "Access in force" in page and "Welcome." in page
    assert f"Approve</strong> — {handler.username}" in page


def test_reviewers_do_not_see_private_answers_and_strangers_see_nothing(client, offered, applicant, handler):
    application = run(None, "create", applicant, catalogue_items=[offered.pk]).application
    run(application, "accept-licenses", applicant)
    run(application, "submit", applicant, answers={"title": "Grading", "conflicts": "I consult for a vendor."})
    reviewer = UserFactory()
    run(application, "request-review", handler, users=[reviewer.pk])
    url = reverse("access:application", args=[application.pk])
    client.force_login(reviewer)
    page = client.get(url).content.decode()
    assert "Grading" in page and "I consult for a vendor." not in page and "Give a review" in page
    client.force_login(handler)
    assert "I consult for a vendor." in client.get(url).content.decode()
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404


def test_the_api_runs_the_same_commands(client, offered, applicant, handler):
    client.force_login(applicant)
    created = client.post("/api/v1/applications/", {"catalogue_items": [offered.pk]}, content_type="application/json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    refused = client.post(f"/api/v1/applications/{pk}/commands/approve/", {}, content_type="application/json")
    assert refused.status_code == 409 and "not possible" in refused.json()["detail"]
    client.post(f"/api/v1/applications/{pk}/commands/accept-licenses/", {}, content_type="application/json")
    done = client.post(f"/api/v1/applications/{pk}/commands/submit/", {"answers": {"title": "Grading"}},
                       content_type="application/json")
    assert done.status_code == 200 and done.json()["application"]["state"] == "submitted"
    client.force_login(handler)
    detail = client.get(f"/api/v1/applications/{pk}/").json()
    assert detail["application"]["state"] == "submitted"
    assert "approve" in detail["allowed_commands"] and [e["type"] for e in detail["events"]] == [
        "create", "accept-licenses", "submit"]
    assert client.get("/api/v1/applications/?queue=1").json()[0]["id"] == pk
