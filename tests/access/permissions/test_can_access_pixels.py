"""can_access_pixels for a published dataset: every role and every state that changes the answer."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from access.models import ApplicationMember, ApplicationState, Entitlement
from access.roles import Role
from access.selectors import can_access_pixels
from access.services import role_grant
from access.services.catalogue import license_version_create
from access.services.entitlements import blacklist_add, entitlements_recompute
from access.services.groups import membership_add, membership_transition, organisation_data_managers
from repository.models import AccessType, DatasetStatus
from repository.services.datasets import dataset_status_change
from tests.access.factories import UserFactory
from tests.access.oidc.factories import TRUSTED_ISSUER, TRUSTED_JKU, InboundVisaFactory
from tests.access.permissions.conftest import approve

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def test_anonymous_and_nobody_may_not(version):
    assert not can_access_pixels(AnonymousUser(), version)
    assert not can_access_pixels(None, version)
    assert not can_access_pixels(UserFactory(), version)


def test_data_steward_may_without_entitlement(version):
    steward = UserFactory()
    role_grant(user=steward, role=Role.DATA_STEWARD)
    assert can_access_pixels(steward, version)
    assert can_access_pixels(steward, version.dataset)


def test_data_manager_of_the_dataset_organisation_may(version):
    manager, elsewhere = UserFactory(), UserFactory()
    membership_add(group=organisation_data_managers(version.dataset.organisation), user=manager)
    other_dataset_org = UserFactory().organisation
    membership_add(group=organisation_data_managers(other_dataset_org), user=elsewhere)
    assert can_access_pixels(manager, version)
    assert not can_access_pixels(elsewhere, version)


def test_disabled_data_manager_membership_ends_it(version):
    manager = UserFactory()
    membership = membership_add(group=organisation_data_managers(version.dataset.organisation), user=manager)
    assert can_access_pixels(manager, version)
    membership_transition(membership=membership, action="disable")
    assert not can_access_pixels(manager, version)


def test_applicant_waiting_for_a_decision_may_not(version):
    applicant = UserFactory()
    application = approve(version.dataset, applicant)
    application.state = ApplicationState.SUBMITTED
    application.save(update_fields=["state"])
    entitlements_recompute(application=application)
    assert not can_access_pixels(applicant, version)


def test_entitled_applicant_and_member_may_and_a_removed_member_not(version):
    applicant, member = UserFactory(), UserFactory()
    application = approve(version.dataset, applicant, members=[member])
    assert can_access_pixels(applicant, version)
    assert can_access_pixels(member, version.dataset)
    ApplicationMember.objects.get(application=application, user=member).delete()
    entitlements_recompute(application=application)
    assert not can_access_pixels(member, version)
    assert can_access_pixels(applicant, version)


def test_a_member_who_has_not_accepted_the_licenses_may_not(version):
    applicant, member = UserFactory(), UserFactory()
    application = approve(version.dataset, applicant, accept=False)
    ApplicationMember.objects.create(application=application, user=member)
    entitlements_recompute(application=application)
    assert not can_access_pixels(member, version)


def test_expired_entitlement(researcher, version):
    assert can_access_pixels(researcher, version)
    entitlement = Entitlement.objects.get(user=researcher)
    entitlement.end = timezone.now() - timedelta(seconds=1)
    entitlement.save(update_fields=["end"])
    assert not can_access_pixels(researcher, version)


def test_entitlement_not_started_yet(researcher, version):
    entitlement = Entitlement.objects.get(user=researcher)
    entitlement.start = timezone.now() + timedelta(hours=1)
    entitlement.save(update_fields=["start"])
    assert not can_access_pixels(researcher, version)


def test_revoked_and_blacklisted(researcher, version):
    assert can_access_pixels(researcher, version)
    application = Entitlement.objects.get(user=researcher).application
    application.state = ApplicationState.REVOKED
    application.save(update_fields=["state"])
    entitlements_recompute(application=application, revoke=True)
    assert Entitlement.objects.get(user=researcher).revoked_at is not None
    assert not can_access_pixels(researcher, version)


def test_blacklisted_user_with_an_entitlement_may_not(researcher, version):
    blacklist_add(user=researcher, dataset=version.dataset, reason="misuse")
    assert Entitlement.objects.active().filter(user=researcher).exists()
    assert not can_access_pixels(researcher, version)


def test_new_license_version_not_accepted_ends_access(researcher, version):
    license = version.dataset.catalogue_items.get().licenses.get()
    license_version_create(license=license, text="Research use only.\nCite the dataset.")
    assert not can_access_pixels(researcher, version)


def test_withdrawn_dataset(researcher, version):
    steward = UserFactory()
    role_grant(user=steward, role=Role.DATA_STEWARD)
    dataset_status_change(dataset=version.dataset, status=DatasetStatus.WITHDRAWN, reason="Consent withdrawn.")
    assert not can_access_pixels(researcher, version)
    assert can_access_pixels(steward, version)


def test_bona_fide_required(researcher, version, settings):
    settings.GA4GH_TRUSTED_VISA_ISSUERS = [(TRUSTED_ISSUER, TRUSTED_JKU)]
    item = version.dataset.catalogue_items.get()
    item.requires_bona_fide = True
    item.save(update_fields=["requires_bona_fide"])
    assert not can_access_pixels(researcher, version)
    InboundVisaFactory(user=researcher)
    assert can_access_pixels(researcher, version)


def test_indirect_access_dataset_only_for_stewards_and_data_managers(researcher, version):
    version.access_type = AccessType.INDIRECT
    version.save(update_fields=["access_type"])
    manager = UserFactory()
    membership_add(group=organisation_data_managers(version.dataset.organisation), user=manager)
    assert not can_access_pixels(researcher, version)
    assert can_access_pixels(manager, version)


def test_inactive_user_may_not_even_as_steward(researcher, version):
    role_grant(user=researcher, role=Role.DATA_STEWARD)
    assert can_access_pixels(researcher, version)
    researcher.is_active = False
    researcher.save(update_fields=["is_active"])
    assert not can_access_pixels(researcher, version)


def test_a_dataset_never_published_has_no_pixels(researcher, version):
    version.dataset.latest_version = None
    version.dataset.save(update_fields=["latest_version"])
    assert not can_access_pixels(researcher, version.dataset)
    assert can_access_pixels(researcher, version)
