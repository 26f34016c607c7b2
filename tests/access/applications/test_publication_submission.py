"""An approved submission publishes through the same path: its dataset gets a catalogue item."""

import pytest

from access.models import CatalogueItem, Workflow
from ingestion.services.publishing import submission_publish
from ingestion.services.review import review_act
from ingestion.states import SubmissionState
from tests.ingestion.review_bundles import committed, upload_bundle, validated
from tests.ingestion.review_fixtures import *  # noqa: F401,F403  (fixtures: these win over conftest's)
from tests.repository.metaflex_bundles import BundleBuilder

pytestmark = [pytest.mark.postgres]


def test_an_approved_submission_gets_its_item(local_storage, submission, contributor, steward, tmp_path):
    Workflow.objects.filter(pk=1).delete()  # the bundle's REMS link names workflow 1
    upload_bundle(submission, BundleBuilder(tmp_path / "b").write())
    submission = validated(submission, contributor)
    review_act(submission=submission, action="approve", actor=steward)
    published = committed(submission_publish, submission_id=submission.pk)
    assert published.state == SubmissionState.PUBLISHED, published.events.last().message
    item = CatalogueItem.objects.get(dataset=published.dataset, ended_at__isnull=True)
    assert item.workflow.organisation == published.dataset.organisation
