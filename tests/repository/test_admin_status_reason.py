"""The admin's deprecate and withdraw actions ask for the reason first (an intermediate page)."""

import pytest
from django.contrib.admin.models import LogEntry

from repository.models import DatasetStatus
from tests.repository.factories import DatasetVersionFactory

CHANGELIST = "/admin/repository/dataset/"


@pytest.fixture
def admin_client(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("root", "root@example.org", "pw"))
    return client


@pytest.fixture
def datasets(db):
    return [DatasetVersionFactory().dataset for _ in range(2)]


def _post(client, action, datasets, **extra):
    return client.post(CHANGELIST, {"action": action, "_selected_action": [d.pk for d in datasets], **extra})


@pytest.mark.parametrize("action", ["deprecate", "withdraw"])
def test_the_action_asks_for_the_reason_and_changes_nothing_yet(admin_client, datasets, action):
    response = _post(admin_client, action, datasets)
    page = response.content.decode()
    assert response.status_code == 200 and 'name="reason"' in page
    assert all(d.accession in page for d in datasets)
    assert page.count('name="_selected_action"') == 2 and f'value="{action}"' in page
    assert {d.status for d in type(datasets[0]).objects.all()} == {DatasetStatus.RELEASED}


def test_an_empty_reason_is_asked_again(admin_client, datasets):
    response = _post(admin_client, "withdraw", datasets, apply="1", reason="   ")
    assert response.status_code == 200 and "This field is required." in response.content.decode()
    assert {d.status for d in type(datasets[0]).objects.all()} == {DatasetStatus.RELEASED}


def test_the_reason_given_is_what_the_landing_page_shows(admin_client, client, datasets):
    reason = "Superseded by the corrected cohort bp-dataset-xxxxxx-yyyyyy."
    response = _post(admin_client, "deprecate", datasets, apply="1", reason=reason)
    assert response.status_code == 302
    for dataset in datasets:
        dataset.refresh_from_db()
        assert (dataset.status, dataset.status_reason) == (DatasetStatus.DEPRECATED, reason)
        assert reason in admin_client.get(f"/datasets/{dataset.accession}/").content.decode()
        entry = LogEntry.objects.get(object_id=str(dataset.pk))
        assert "released \u2192 deprecated" in entry.get_change_message() and reason in entry.get_change_message()
