"""Steward reports: DAC turnaround, open applications by age, and the CSV exports (streamed, audited)."""

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone

from access.models import Application, ApplicationState
from access.roles import Role
from access.selectors.reports import dac_turnaround, open_applications_by_age
from access.services import role_grant
from governance.models import AuditEvent
from tests.access.factories import UserFactory
from tests.access.permissions.conftest import approve

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


@pytest.fixture
def steward():
    user = UserFactory()
    role_grant(user=user, role=Role.DATA_STEWARD)
    return user


def _application(version, *, state, submitted_days_ago, decided_after_days=None):
    now = timezone.now()
    submitted = now - timedelta(days=submitted_days_ago)
    application = Application.objects.create(
        applicant=UserFactory(), state=state, submitted_at=submitted,
        decided_at=submitted + timedelta(days=decided_after_days) if decided_after_days is not None else None)
    application.catalogue_items.add(version.dataset.catalogue_items.get())
    return application


def test_turnaround_per_dac(version):
    for days in (1, 2, 6):
        _application(version, state=ApplicationState.APPROVED, submitted_days_ago=10, decided_after_days=days)
    _application(version, state=ApplicationState.SUBMITTED, submitted_days_ago=3)
    [row] = dac_turnaround()
    assert row.workflow_title == version.dataset.catalogue_items.get().workflow.title
    assert (row.count, round(row.median_days, 3), round(row.mean_days, 3)) == (3, 2.0, 3.0)


def test_open_applications_by_age(version):
    for days in (1, 8, 40, 100, 200):
        _application(version, state=ApplicationState.SUBMITTED, submitted_days_ago=days)
    _application(version, state=ApplicationState.RETURNED, submitted_days_ago=20)
    _application(version, state=ApplicationState.APPROVED, submitted_days_ago=5, decided_after_days=1)
    assert open_applications_by_age() == [
        {"state": "Submitted", "total": 5, "buckets": [1, 1, 1, 2]},
        {"state": "Returned to applicant", "total": 1, "buckets": [0, 1, 0, 0]},
    ]


def test_the_reports_page_is_for_stewards(version, steward, client):
    _application(version, state=ApplicationState.APPROVED, submitted_days_ago=10, decided_after_days=2)
    client.force_login(UserFactory())
    assert client.get("/account/reports/").status_code == 403
    assert client.get("/account/reports/entitlements.csv").status_code == 403
    client.force_login(steward)
    assert client.get("/account/reports/nothing.csv").status_code == 404
    client.force_login(UserFactory())
    client.force_login(steward)
    assert 'href="/account/reports/"' in client.get("/account/access/").content.decode()
    page = client.get("/account/reports/").content.decode()
    assert version.dataset.catalogue_items.get().workflow.title in page
    assert "Open applications by age" in page


def test_csv_exports_stream_every_row_and_are_audited(researcher, version, steward, client):
    client.force_login(steward)
    response = client.get("/account/reports/entitlements.csv")
    assert response.streaming and response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [(row["dataset"], row["user"], row["dac"]) for row in rows] == [
        (version.dataset.accession, researcher.username, version.dataset.catalogue_items.get().workflow.title)]
    assert rows[0]["end"] == "" and rows[0]["start"].startswith(str(timezone.now().year))
    response = client.get("/account/reports/applications.csv")
    [row] = csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode()))
    assert (row["applicant"], row["state"], row["datasets"]) == (researcher.username, "approved",
                                                                 version.dataset.accession)
    assert set(AuditEvent.objects.filter(actor_id=steward.pk).values_list("action", flat=True)) >= {
        "entitlements.export", "applications.export"}


def test_a_formula_in_a_value_is_defused(version, steward, client):
    user = UserFactory(username="=cmd")
    approve(version.dataset, user)
    client.force_login(steward)
    body = b"".join(client.get("/account/reports/entitlements.csv").streaming_content).decode()
    assert ",'=cmd," in body
