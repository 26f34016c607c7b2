"""A staff export is audited with who did it and from where; the public download is not an audit event."""

import io
import zipfile

import pytest

from governance.models import AuditEvent
from repository.services.exports import dataset_export
from tests.repository.factories import DatasetVersionFactory


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_superuser("steward", "steward@example.org", "pw")


def test_the_admin_download_is_audited_with_the_user_and_client_address(client, imported_version, staff):
    client.force_login(staff)
    response = client.post("/admin/repository/datasetversion/",
                           {"action": "metadata_download", "_selected_action": [imported_version.pk]},
                           REMOTE_ADDR="192.0.2.7")
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))).namelist()
    assert any(name.endswith("PRIVATE/rems.xml") for name in names)  # staff see the whole bundle
    assert not any(name.endswith(".dcm") for name in names)
    event = AuditEvent.objects.get(action="dataset.export")
    assert (event.actor_id, event.actor_repr, event.ip_address) == (staff.pk, "steward", "192.0.2.7")
    assert event.detail == {"dataset": imported_version.dataset.accession, "version": 1, "files": False}


def test_behind_our_proxy_the_forwarded_address_is_recorded(client, imported_version, staff, settings):
    settings.TRUSTED_PROXIES = 1
    client.force_login(staff)
    client.post("/admin/repository/datasetversion/",
                {"action": "metadata_download", "_selected_action": [imported_version.pk]},
                REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="10.9.9.9, 198.51.100.23")
    assert AuditEvent.objects.get(action="dataset.export").ip_address == "198.51.100.23"


def test_the_admin_download_takes_one_version(client, imported_version, staff):
    client.force_login(staff)
    other = DatasetVersionFactory()
    response = client.post("/admin/repository/datasetversion/", {
        "action": "metadata_download", "_selected_action": [imported_version.pk, other.pk]}, follow=True)
    assert response.status_code == 200 and "Select exactly one version" in response.content.decode()
    assert not AuditEvent.objects.filter(action="dataset.export").exists()


def test_a_script_export_is_audited_as_the_system(imported_version, tmp_path):
    dataset_export(version=imported_version, out_dir=tmp_path / "out", with_files=False)
    event = AuditEvent.objects.get(action="dataset.export")
    assert (event.actor_id, event.actor_repr, event.ip_address) == (None, "system", None)
