"""Entitlements follow the application: approve, members, new license versions, close, revoke and the blacklist."""

import pytest

from access.applications.commands import CommandRefused
from access.models import ApplicationState, Blacklist, Entitlement
from access.services.applications import blacklist_apply
from access.services.catalogue import license_version_create
from bigpicture.models import OutboxMessage
from tests.access.applications.conftest import run
from tests.access.applications.factories import CatalogueItemFactory
from tests.access.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def _active(user):
    return list(Entitlement.objects.active().filter(user=user).values_list("dataset_id", flat=True))


def test_approve_entitles_users_who_accepted_the_terms(submitted, applicant, handler, item):
    member = UserFactory()
    run(submitted, "add-member", handler, user=member.username)
    run(submitted, "approve", handler)
    assert _active(applicant) == [item.dataset_id]
    assert _active(member) == []  # not accepted yet
    run(submitted, "accept-licenses", member)
    assert _active(member) == [item.dataset_id]
    row = Entitlement.objects.get(user=member)
    assert row.approved_by == handler and row.application == submitted


def test_removing_a_member_ends_their_access(approved, handler):
    member = UserFactory()
    run(approved, "add-member", handler, user=member.username)
    run(approved, "accept-licenses", member)
    assert _active(member)
    run(approved, "remove-member", handler, user=member.username)
    assert _active(member) == []
    assert Entitlement.objects.get(user=member).end is not None


def test_a_new_license_version_ends_access_until_accepted(approved, applicant, item):
    license_version_create(license=item.licenses.get(), text="Research use only. Cite the dataset.")
    assert _active(applicant) == []
    assert OutboxMessage.objects.filter(to__contains=[applicant.email], subject__startswith="[",
                                        subject__contains="New terms").exists()
    run(approved, "accept-licenses", applicant)
    assert _active(applicant) == [item.dataset_id]
    assert Entitlement.objects.filter(user=applicant).count() == 2  # the old row ended, a new one began


def test_close_ends_access(approved, applicant, handler):
    run(approved, "close", handler)
    assert _active(applicant) == []
    assert Entitlement.objects.get().revoked_at is None


def test_revoke_ends_access_blacklists_and_rejects_other_applications(approved, applicant, handler, item, workflow):
    member = UserFactory()
    run(approved, "add-member", handler, user=member.username)
    run(approved, "accept-licenses", member)
    # The member's own application for a second dataset under the same DAC, and a combined one.
    second = CatalogueItemFactory(workflow=workflow)
    other = run(None, "create", member, catalogue_items=[second.pk]).application
    run(other, "submit", member)
    run(approved, "revoke", handler, comment="Data shared outside the project.")
    assert _active(applicant) == [] and _active(member) == []
    row = Entitlement.objects.filter(user=applicant).get()
    assert row.revoked_by == handler and row.revoked_at is not None
    assert set(Blacklist.objects.values_list("user", "dataset")) == {(applicant.pk, item.dataset_id),
                                                                     (member.pk, item.dataset_id)}
    other.refresh_from_db()
    assert other.state == ApplicationState.SUBMITTED  # it does not cover the revoked dataset
    with pytest.raises(CommandRefused, match="was revoked"):
        run(None, "create", applicant, catalogue_items=[item.pk])


def test_blacklisting_rejects_open_applications_and_ends_access(approved, submitted, applicant, handler, item):
    blocked = UserFactory()
    application = run(None, "create", blocked, catalogue_items=[item.pk]).application
    run(application, "accept-licenses", blocked)
    run(application, "submit", blocked)
    blacklist_apply(user=blocked, dataset=item.dataset, actor=handler, reason="Misuse elsewhere.")
    application.refresh_from_db()
    assert application.state == ApplicationState.REJECTED
    assert application.events.last().actor is None  # rejected by the portal
    blacklist_apply(user=applicant, dataset=item.dataset, actor=handler)
    assert _active(applicant) == []
