"""Publishing a dataset version creates or updates its catalogue item from the policy."""

import pytest

from access.models import CatalogueItem, Workflow
from access.roles import Role
from access.services import user_create
from access.services.catalogue import catalogue_item_edit, catalogue_item_publish
from repository import models as m
from repository.services import dataset_import
from tests.repository.metaflex_bundles import build_bundle

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


@pytest.fixture
def steward():
    return user_create(username="stina", email="stina@example.org", password=None, roles=(Role.DATA_STEWARD,))


@pytest.fixture
def imported(tmp_path, settings, django_capture_on_commit_callbacks, steward):
    settings.ACCESSION_CENTER = "aa"
    Workflow.objects.filter(pk=1).delete()  # the bundle's REMS link names workflow 1
    with django_capture_on_commit_callbacks(execute=True):
        result = dataset_import(bundle_dir=build_bundle(tmp_path), allow_accessions=True)
    assert result.ok, result.report.format()
    return result


def test_an_import_offers_the_dataset_through_the_organisations_default_workflow(imported, steward):
    item = CatalogueItem.objects.get(dataset=imported.dataset)
    assert item.enabled and not item.indirect and not item.requires_bona_fide
    assert item.workflow.organisation == imported.dataset.organisation
    assert list(item.workflow.handlers.all()) == [steward]  # a new default DAC reaches the data stewards
    assert catalogue_item_publish(version=imported.version) == item  # nothing changed: the same item


def test_rems_link_bona_fide_and_indirect_make_a_new_item(imported):
    old = CatalogueItem.objects.get(dataset=imported.dataset)
    dac = Workflow.objects.create(title="Skin cancer DAC")
    m.RemsLink.objects.filter(version=imported.version).update(workflow_id="Skin cancer DAC")
    policy = m.Policy.objects.get(version=imported.version)
    policy.attributes = [*policy.attributes, {"kind": "string", "tag": "requires_bona_fide", "value": "yes"}]
    policy.save()
    imported.version.access_type = m.AccessType.INDIRECT
    new = catalogue_item_publish(version=imported.version)
    old.refresh_from_db()
    assert (new.workflow, new.requires_bona_fide, new.indirect) == (dac, True, True)
    assert old.ended_at is not None and old.successor == new
    m.RemsLink.objects.filter(version=imported.version).update(workflow_id=str(dac.pk))
    assert catalogue_item_publish(version=imported.version) == new


def test_a_new_version_keeps_the_workflow_a_steward_chose(imported):
    chosen = Workflow.objects.create(title="Chosen DAC")
    item = catalogue_item_edit(item=CatalogueItem.objects.get(dataset=imported.dataset), workflow=chosen)
    assert catalogue_item_publish(version=imported.version) == item
