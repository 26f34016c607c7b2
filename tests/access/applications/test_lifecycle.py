"""The lifecycle through commands: draft → submitted → returned → submitted → approved, and its events."""

import pytest

from access.models import ApplicationState, Entitlement
from tests.access.applications.conftest import run

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def test_draft_submit_return_resubmit_approve(draft, applicant, handler):
    run(draft, "accept-licenses", applicant)
    run(draft, "submit", applicant)
    run(draft, "return", handler, comment="Say which cohort you need.")
    draft.refresh_from_db()
    assert draft.state == ApplicationState.RETURNED
    run(draft, "submit", applicant)
    run(draft, "approve", handler)
    draft.refresh_from_db()
    assert draft.state == ApplicationState.APPROVED
    assert [e.type for e in draft.events.all()] == ["create", "accept-licenses", "submit", "return", "submit", "approve"]
    assert list(draft.events.values_list("seq", flat=True)) == [1, 2, 3, 4, 5, 6]
    assert Entitlement.objects.active().filter(user=applicant).count() == 1
