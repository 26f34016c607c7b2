"""Datasets are deprecated or withdrawn with a reason; the catalogue and pages follow."""

import pytest

from bigpicture.errors import UserError
from governance.models import AuditEvent
from repository.models import DatasetStatus
from repository.services.datasets import dataset_status_change
from tests.repository.factories import DatasetVersionFactory


@pytest.fixture
def version(db):
    return DatasetVersionFactory(title="Lifecycle cohort")


def test_deprecated_stays_listed_with_its_reason(client, version):
    dataset_status_change(dataset=version.dataset, status=DatasetStatus.DEPRECATED, reason="Superseded by v2 cohort.")
    assert "Lifecycle cohort" in client.get("/datasets/").content.decode()
    page = client.get(f"/datasets/{version.dataset.accession}/").content.decode()
    assert "deprecated" in page and "Superseded by v2 cohort." in page


def test_withdrawn_leaves_the_catalogue_but_keeps_a_tombstone(client, version):
    dataset_status_change(dataset=version.dataset, status=DatasetStatus.WITHDRAWN, reason="Consent withdrawn.")
    assert "Lifecycle cohort" not in client.get("/datasets/").content.decode()
    page = client.get(f"/datasets/{version.dataset.accession}/").content.decode()
    assert "withdrawn" in page and "Consent withdrawn." in page
    assert AuditEvent.objects.filter(action="dataset.withdrawn").exists()


def test_reason_is_required(version):
    with pytest.raises(UserError, match="say why"):
        dataset_status_change(dataset=version.dataset, status=DatasetStatus.WITHDRAWN, reason=" ")


def test_withdrawn_is_final(version):
    dataset_status_change(dataset=version.dataset, status=DatasetStatus.WITHDRAWN, reason="Consent withdrawn.")
    with pytest.raises(UserError, match="cannot become released"):
        dataset_status_change(dataset=version.dataset, status=DatasetStatus.RELEASED, reason="")


def test_admin_action_withdraws(client, version, django_user_model):
    admin = django_user_model.objects.create_superuser("root", "root@example.org", "pw")
    client.force_login(admin)
    client.post("/admin/repository/dataset/", {"action": "withdraw", "_selected_action": [version.dataset.pk],
                                               "apply": "1", "reason": "Consent withdrawn."})
    version.dataset.refresh_from_db()
    assert version.dataset.status == DatasetStatus.WITHDRAWN
    assert version.dataset.status_reason == "Consent withdrawn."
