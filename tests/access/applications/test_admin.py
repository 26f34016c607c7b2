"""The admin keeps the rules: a license version is a new row only on a real change; an item edit is a new item."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from access.models import CatalogueItem, LicenseVersion
from tests.access.applications.factories import (
    CatalogueItemFactory,
    LicenseFactory,
    WorkflowFactory,
    license_with_text,
)
from tests.access.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


def _version_form(license, text):
    return {"title": license.title, "kind": "text", "organisation": "",
            "versions-TOTAL_FORMS": "2", "versions-INITIAL_FORMS": "1", "versions-MIN_NUM_FORMS": "0",
            "versions-MAX_NUM_FORMS": "1000", "versions-0-id": license.versions.get().pk,
            "versions-0-license": license.pk, "versions-1-license": license.pk, "versions-1-text": text,
            "versions-1-url": ""}


def test_a_new_version_row(admin_client):
    license = license_with_text("Research use only.")
    url = f"/admin/access/license/{license.pk}/change/"
    response = admin_client.post(url, _version_form(license, "Research use only."))
    assert response.status_code == 302
    assert LicenseVersion.objects.filter(license=license).count() == 1  # the same text: no new version
    admin_client.post(url, _version_form(license, "Research use only. Cite us."))
    assert list(license.versions.values_list("number", flat=True)) == [2, 1]


def test_editing_an_item_makes_a_new_one(admin_client):
    item = CatalogueItemFactory()
    other = WorkflowFactory()
    response = admin_client.post(f"/admin/access/catalogueitem/{item.pk}/change/", {
        "workflow": other.pk, "form": "", "requires_bona_fide": "on"})
    assert response.status_code == 302, response.content.decode()[:2000]
    item.refresh_from_db()
    new = CatalogueItem.objects.get(dataset=item.dataset, ended_at__isnull=True)
    assert item.ended_at is not None and item.successor == new
    assert (new.workflow, new.requires_bona_fide) == (other, True)
    assert admin_client.get("/admin/access/application/").status_code == 200
    assert admin_client.get("/admin/access/workflow/").status_code == 200


def test_an_attachment_license_version(admin_client, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    license = LicenseFactory(kind="attachment")
    form = {"title": license.title, "kind": "attachment", "organisation": "",
            "versions-TOTAL_FORMS": "1", "versions-INITIAL_FORMS": "0", "versions-MIN_NUM_FORMS": "0",
            "versions-MAX_NUM_FORMS": "1000", "versions-0-license": license.pk, "versions-0-text": "",
            "versions-0-url": "", "versions-0-attachment": SimpleUploadedFile("dua.pdf", b"%PDF-1.4 terms")}
    response = admin_client.post(f"/admin/access/license/{license.pk}/change/", form)
    assert response.status_code == 302, response.content.decode()[:3000]
    version = license.versions.get()
    assert version.attachment.read() == b"%PDF-1.4 terms"
