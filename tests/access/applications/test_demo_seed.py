"""The demo seed: a decider DAC, an approved and a pending application, a queue for the steward; idempotent."""

import pytest
from django.urls import reverse

from access.demo_applications import demo_applications_seed
from access.models import Application, ApplicationState, Entitlement, WorkflowKind
from access.selectors.applications import handler_queue
from tests.access.factories import UserFactory
from tests.repository.factories import DatasetFactory, DatasetVersionFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def test_the_demo_seed():
    researcher, steward = UserFactory(username="researcher"), UserFactory(username="steward")
    first, second = DatasetFactory(), DatasetFactory()
    seeded = demo_applications_seed(dataset_accession=first.accession, pending_accession=second.accession,
                                    researcher=researcher, steward=steward)
    assert seeded["approved"].state == ApplicationState.APPROVED
    assert seeded["pending"].state == ApplicationState.SUBMITTED
    assert seeded["approved"].catalogue_items.get().workflow.kind == WorkflowKind.DECIDER
    assert list(Entitlement.objects.active().filter(user=researcher).values_list("dataset", flat=True)) == [first.pk]
    assert list(handler_queue(steward, state=ApplicationState.SUBMITTED)) == [seeded["pending"]]
    demo_applications_seed(dataset_accession=first.accession, pending_accession=second.accession,
                           researcher=researcher, steward=steward)
    assert Application.objects.count() == 2


def test_the_demo_pages_render(client):
    researcher, steward = UserFactory(username="researcher"), UserFactory(username="steward")
    first, second = DatasetVersionFactory().dataset, DatasetVersionFactory().dataset
    seeded = demo_applications_seed(dataset_accession=first.accession, pending_accession=second.accession,
                                    researcher=researcher, steward=steward)
    pending = reverse("access:application", args=[seeded["pending"].pk])
    client.force_login(steward)
    page = client.get(pending).content.decode()
    assert "Give a decision" not in page and "Approve" in page and "Vote" in page  # the steward decides here
    assert "Demo Research Council" in page and "Ethics approval" in page
    assert "Application " in client.get(reverse("access:application_queue")).content.decode()
    client.force_login(researcher)
    page = client.get(reverse("access:application", args=[seeded["approved"].pk])).content.decode()
    assert "Access in force" in page and "Copy as a new application" in page
    mine = client.get(reverse("access:my_applications")).content.decode()
    assert "Approved" in mine and "Submitted" in mine
