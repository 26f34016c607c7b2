"""The submissions API: create, list, detail with allowed actions, transitions, events, report; who sees what."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from access.roles import Role
from ingestion.models import Submission
from tests.access.factories import OrganisationFactory, UserFactory
from tests.ingestion.uploadkit import contributor_of

API = "/api/v1/submissions/"


@pytest.fixture
def steward(db):
    user = UserFactory()
    user.groups.add(Group.objects.get_or_create(name=Role.DATA_STEWARD)[0])
    return user


def _post(client, path, body=None):
    return client.post(path, body or {}, content_type="application/json")


def test_create_list_detail_and_submit(client, contributor, organisation):
    client.force_login(contributor)
    response = _post(client, API, {"organisation": organisation.slug, "title": "Rat livers"})
    assert response.status_code == 201, response.content
    created = response.json()
    assert (created["state"], created["organisation"], created["title"]) == ("draft", organisation.slug, "Rat livers")
    assert [a["action"] for a in created["actions"]] == ["cancel"]
    assert [s["id"] for s in client.get(API).json()] == [created["id"]]

    detail = f"{API}{created['id']}/"
    assert _post(client, f"{detail}files/", {"path": "METADATA/dataset.xml", "size": 10}).status_code == 201
    shown = client.get(detail).json()
    assert shown["state"] == "uploading"
    assert shown["files"] == {"registered": 1}
    assert [a["action"] for a in shown["actions"]] == ["submit", "cancel"]
    assert shown["report"] == {"ok": None, "at": None, "errors": 0, "warnings": 0}

    response = _post(client, f"{detail}actions/", {"action": "submit"})
    assert (response.status_code, response.json()["state"]) == (200, "validating")
    events = client.get(f"{detail}events/").json()
    assert [(e["action"], e["from_state"], e["to_state"]) for e in events] == [
        ("upload", "draft", "uploading"), ("submit", "uploading", "validating")]
    assert events[1]["actor"] == contributor.username

    # Files can no longer change while the submission is validated.
    response = _post(client, f"{detail}files/", {"path": "METADATA/other.xml", "size": 10})
    assert (response.status_code, response.json()["code"]) == (409, "submission.state")
    response = _post(client, f"{detail}actions/", {"action": "approve"})
    assert (response.status_code, response.json()["code"]) == (409, "transition.refused")


def test_report_is_the_stored_report(client, contributor, submission):
    Submission.objects.filter(pk=submission.pk).update(report={"ok": False, "problems": [
        {"rule": "ref.resolves", "severity": "error", "file": "METADATA/image.xml", "line": 3, "message": "x"}]})
    client.force_login(contributor)
    assert client.get(f"{API}{submission.pk}/report/").json()["problems"][0]["rule"] == "ref.resolves"
    assert client.get(f"{API}{submission.pk}/").json()["report"]["errors"] == 1


def test_stewards_see_all_and_others_nothing(client, submission, steward):
    client.force_login(steward)
    assert [s["id"] for s in client.get(API).json()] == [str(submission.pk)]
    assert [a["action"] for a in client.get(f"{API}{submission.pk}/").json()["actions"]] == []
    response = _post(client, f"{API}{submission.pk}/files/", {"path": "a.xml", "size": 1})
    assert (response.status_code, response.json()["code"]) == (403, "forbidden")

    outsider = contributor_of(OrganisationFactory())
    client.force_login(outsider)
    assert client.get(API).json() == []
    assert client.get(f"{API}{submission.pk}/").status_code == 404
    response = _post(client, API, {"organisation": submission.organisation.slug})
    assert (response.status_code, response.json()["code"]) == (403, "forbidden")


def test_requests_without_credentials_are_refused(client, submission):
    for method, path in [("get", API), ("post", API), ("get", f"{API}{submission.pk}/"),
                         ("post", f"{API}{submission.pk}/files/"), ("get", f"{API}{submission.pk}/events/")]:
        response = getattr(client, method)(path)
        assert response.status_code == 403, path
        assert response.json()["code"] == "not_authenticated"


@pytest.mark.parametrize("token", ["nonsense", "WyJ4IiwxXQ:1u2v3w:bad-signature"])
def test_part_endpoint_refuses_unsigned_tokens(client, token):
    response = client.put(f"/api/v1/uploads/{token}/", b"bytes", content_type="application/octet-stream")
    assert (response.status_code, response.json()["code"]) == (403, "part_url.invalid")


def test_session_writes_need_the_csrf_token(contributor, organisation):
    client = Client(enforce_csrf_checks=True)
    client.force_login(contributor)
    response = _post(client, API, {"organisation": organisation.slug})
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


def test_the_schema_documents_every_endpoint(client):
    schema = client.get("/api/schema/?format=json").json()
    paths = set(schema["paths"])
    for path in ["/api/v1/submissions/", "/api/v1/submissions/{submission_id}/",
                 "/api/v1/submissions/{submission_id}/actions/", "/api/v1/submissions/{submission_id}/events/",
                 "/api/v1/submissions/{submission_id}/report/", "/api/v1/submissions/{submission_id}/files/",
                 "/api/v1/submissions/{submission_id}/files/{file_id}/",
                 "/api/v1/submissions/{submission_id}/files/{file_id}/parts/",
                 "/api/v1/submissions/{submission_id}/files/{file_id}/complete/", "/api/v1/uploads/{token}/"]:
        assert path in paths, path
    register = schema["paths"]["/api/v1/submissions/{submission_id}/files/"]["post"]
    assert {"201", "200", "400", "409", "413"} <= set(register["responses"])
