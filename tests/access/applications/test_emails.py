"""Mail for the events in rems.md goes into the outbox, in the command's transaction."""

import pytest

from bigpicture.models import OutboxMessage
from tests.access.applications.conftest import run
from tests.access.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def _to(address):
    return [m.subject for m in OutboxMessage.objects.filter(to__contains=[address]).order_by("pk")]


def test_who_hears_of_what(draft, applicant, handler):
    member, reviewer = UserFactory(), UserFactory()
    run(draft, "add-member", applicant, user=member.username)
    run(draft, "accept-licenses", applicant)
    run(draft, "submit", applicant)
    assert any("submitted" in s for s in _to(handler.email))
    run(draft, "return", handler, comment="More detail, please.")
    assert any("returned to you" in s for s in _to(applicant.email))
    assert not any("returned" in s for s in _to(member.email))
    run(draft, "submit", applicant)
    run(draft, "request-review", handler, users=[reviewer.pk])
    assert any("Review requested" in s for s in _to(reviewer.email))
    run(draft, "review", reviewer, comment="Fine.")
    assert any("reviewed" in s for s in _to(handler.email))
    run(draft, "remark", handler, comment="Internal.", public=False)
    run(draft, "remark", handler, comment="We meet on Friday.", public=True)
    assert sum("remark" in s for s in _to(applicant.email)) == 1
    run(draft, "approve", handler)
    assert any("approved" in s for s in _to(applicant.email)) and any("approved" in s for s in _to(member.email))
    body = OutboxMessage.objects.filter(subject__contains="approved").get().body
    assert f"/account/applications/{draft.pk}/" in body
    run(draft, "revoke", handler, comment="Misuse.")
    assert any("revoked" in s.lower() for s in _to(member.email))


def test_an_invitation_mails_its_link(submitted, applicant):
    outcome = run(submitted, "invite-member", applicant, email="guest@example.org")
    [message] = OutboxMessage.objects.filter(to__contains=["guest@example.org"])
    assert f"/account/applications/{submitted.pk}/invitation/{outcome.result['token']}/" in message.body
