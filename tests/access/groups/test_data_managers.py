"""Each organisation has a data-manager group; its valid members (direct or through subgroups) manage the
organisation's datasets, which includes submitting new datasets and new versions for it."""

import importlib

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from access.models import Group, GroupKind, GroupMembership
from access.selectors import can_submit_for, submission_organisations
from access.selectors.groups import may_manage_dataset, may_manage_group, user_group_ids
from access.services import organisation_create
from access.services.groups import (
    data_managers_perun_group_adopt,
    group_claims_sync,
    membership_add,
    membership_transition,
    organisation_data_managers,
)
from access.services.groups_demo import groups_demo_seed
from bigpicture.errors import UserError
from bigpicture.storage import storage_settings
from ingestion.services.submissions import submission_create
from repository import models as m
from tests.access.factories import OrganisationFactory, UserFactory
from tests.access.groups.factories import GroupFactory
from tests.governance.factories import dsa_signed
from tests.repository.metaflex_bundles import BundleBuilder

pytestmark = pytest.mark.django_db


@pytest.fixture
def organisation():
    return organisation_create(name="Karolinska", slug="ki")


@pytest.fixture
def dataset(organisation):
    return m.Dataset.objects.create(accession="bp-dataset-ki1", alias="d1", organisation=organisation)


def test_a_new_organisation_gets_its_data_manager_group(organisation):
    group = Group.objects.get(organisation=organisation)
    assert (group.kind, group.name, group.path) == (GroupKind.DATA_MANAGERS, "Data managers", f"/{group.pk}/")
    assert organisation_data_managers(organisation) == group


def test_existing_organisations_get_one_from_the_migration():
    old = OrganisationFactory()  # made without organisation_create, as before the migration
    GroupFactory(organisation=old, slug="data-managers")  # a group already using the slug
    migration = importlib.import_module("access.migrations.0004_groups")
    migration.data_manager_groups_create(apps, None)
    migration.data_manager_groups_create(apps, None)
    group = Group.objects.get(organisation=old, kind=GroupKind.DATA_MANAGERS)
    assert (group.slug, group.path) == (f"data-managers-{old.pk}", f"/{group.pk}/")


def test_members_direct_and_through_subgroups_manage_datasets(organisation, dataset):
    group = organisation_data_managers(organisation)
    manager, subgroup_member, outsider = UserFactory(), UserFactory(), UserFactory()
    membership_add(group=group, user=manager)
    membership_add(group=GroupFactory(organisation=organisation, parent=group), user=subgroup_member)
    membership_add(group=organisation_data_managers(organisation_create(name="Other", slug="other")), user=outsider)
    membership_add(group=GroupFactory(organisation=organisation), user=outsider)  # an ordinary group
    assert may_manage_dataset(manager, dataset) and may_manage_dataset(subgroup_member, dataset)
    assert not may_manage_dataset(outsider, dataset)
    with CaptureQueriesContext(connection) as queries:
        may_manage_dataset(manager, dataset)
    assert len(queries) == 1


def test_a_disabled_data_manager_manages_nothing(organisation, dataset):
    manager = UserFactory(organisation=None)
    membership = membership_add(group=organisation_data_managers(organisation), user=manager)
    assert can_submit_for(manager, organisation)
    membership_transition(membership=membership, action="disable")
    assert not may_manage_dataset(manager, dataset)
    assert not can_submit_for(manager, organisation)


def test_a_data_manager_submits_a_new_version_of_the_organisations_dataset(organisation, dataset):
    dsa_signed(organisation)
    manager = UserFactory(organisation=None)  # no contributor role anywhere
    with pytest.raises(UserError, match="You may not submit for Karolinska"):
        submission_create(organisation=organisation, actor=manager, dataset=dataset)
    membership_add(group=organisation_data_managers(organisation), user=manager)
    submission = submission_create(organisation=organisation, actor=manager, dataset=dataset)
    assert submission.dataset == dataset
    assert list(submission_organisations(manager)) == [organisation]


@pytest.mark.parametrize(("value", "vo", "urn"), [
    ("bigpicture:dm-ki", "", "urn:geant:lifescience-ri.eu:group:bigpicture:dm-ki#aai.lifescience-ri.eu"),
    ("dm-ki", "bigpicture", "urn:geant:lifescience-ri.eu:group:bigpicture:dm-ki#aai.lifescience-ri.eu"),
    ("urn:geant:lifescience-ri.eu:group:bp:dm#aai.lifescience-ri.eu", "",
     "urn:geant:lifescience-ri.eu:group:bp:dm#aai.lifescience-ri.eu"),
    ("dm-ki", "", ""),
    ("Data managers of KI", "bigpicture", ""),
])
def test_datamanager_perun_group_becomes_the_urn(settings, organisation, value, vo, urn):
    settings.GROUPS_PERUN_VO = vo
    assert data_managers_perun_group_adopt(organisation=organisation, perun_group=value).entitlement_urn == urn


def test_an_urn_set_already_is_kept(organisation):
    group = organisation_data_managers(organisation)
    group.entitlement_urn = "urn:geant:lifescience-ri.eu:group:bp:chosen"
    group.save()
    data_managers_perun_group_adopt(organisation=organisation, perun_group="bp:other")
    group.refresh_from_db()
    assert group.entitlement_urn == "urn:geant:lifescience-ri.eu:group:bp:chosen"


def test_an_imported_bundle_names_the_perun_group_and_login_fills_it(settings, tmp_path):
    settings.STORAGES = storage_settings(backend="local", media_root=tmp_path / "media", static_manifest=False)
    builder = BundleBuilder(tmp_path / "bundle")
    builder.find("organisation", "ORGANISATION/DATAMANAGER_PERUN_GROUP").text = "bigpicture:dm-test-hospital"
    call_command("import_metaflex", str(builder.write()))
    dataset = m.Dataset.objects.get()
    group = organisation_data_managers(dataset.organisation)
    assert group.entitlement_urn == ("urn:geant:lifescience-ri.eu:group:bigpicture:dm-test-hospital"
                                     "#aai.lifescience-ri.eu")
    user = UserFactory()
    group_claims_sync(user=user, urns=["urn:geant:lifescience-ri.eu:group:bigpicture:dm-test-hospital"])
    assert GroupMembership.objects.get(user=user).group == group
    assert may_manage_dataset(user, dataset)


def test_the_demo_seed_is_idempotent(organisation):
    manager, member = UserFactory(), UserFactory()
    first = groups_demo_seed(organisation=organisation, manager=manager, members=[member])
    assert groups_demo_seed(organisation=organisation, manager=manager, members=[member]) == first
    data_managers, research, cohort = first
    assert may_manage_group(manager, cohort) and not may_manage_group(member, cohort)
    assert user_group_ids(member) == {research.pk, cohort.pk}
    assert GroupMembership.objects.get(user=member).expires_at is not None
    assert cohort.invitations.count() == 1
