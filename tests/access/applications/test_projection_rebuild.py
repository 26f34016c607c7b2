"""The event table is the truth: rebuilding every application from its events gives the stored state."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from access.applications.projection import project
from access.applications.rebuild import stored_snapshot
from access.models import Application
from tests.access.applications.conftest import run
from tests.access.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def _projected(application: Application) -> dict:
    snapshot = project(application.events.order_by("seq"))
    return {key: getattr(snapshot, key) for key in stored_snapshot(application)}


def test_every_application_rebuilds_from_its_events(approved, applicant, handler, item, workflow):
    member, reviewer = UserFactory(), UserFactory()
    run(approved, "add-member", handler, user=member.username)
    run(approved, "assign", handler)
    run(approved, "assign-external-id", handler, external_id="EXT-1")
    run(approved, "remark", handler, comment="Noted.")
    renewal = run(approved, "copy-as-new", applicant).result["new_application"]
    run(renewal, "accept-licenses", applicant)
    run(renewal, "submit", applicant)
    run(renewal, "request-review", handler, users=[reviewer.pk])
    run(renewal, "review", reviewer, comment="Fine.")
    run(renewal, "return", handler, comment="Update the plan.")
    run(approved, "remove-member", handler, user=member.username)
    run(approved, "close", handler, comment="Renewal under way.")
    applications = list(Application.objects.all())
    assert len(applications) == 2
    for application in applications:
        assert _projected(application) == stored_snapshot(application), application.pk


def test_the_rebuild_command_finds_and_repairs_a_drifted_copy(approved):
    Application.objects.filter(pk=approved.pk).update(state="closed", external_id="drift")
    with pytest.raises(CommandError, match="1 applications differ"):
        call_command("applications_rebuild", "--check", stdout=StringIO())
    call_command("applications_rebuild", stdout=StringIO())
    approved.refresh_from_db()
    assert (approved.state, approved.external_id) == ("approved", "")
    call_command("applications_rebuild", "--check", stdout=StringIO())
