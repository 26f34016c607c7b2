"""Every pixel and file endpoint crossed with every user situation: where access is not allowed the
answer is a refusal (401, 403, 404, or a redirect to the login page), never the data. An entitled user
gets the data on every endpoint, so the matrix can fail.

QIDO is a search: a user who may not see a study gets an answer without it (an empty list), which is
the DICOMweb way of saying "nothing you may see matches".
"""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pydicom
import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from access.applications.commands import application_command
from access.models import ApiToken, DicomInstance, Entitlement, License, Organisation
from access.services import token_create, token_revoke
from access.services.catalogue import license_version_create
from access.services.groups import membership_add, organisation_data_managers
from access.services.keys import public_key_register
from bigpicture.storage import storage_for
from repository.models import ImageFile
from tests.access.factories import UserFactory
from tests.accesslayer.conftest import revoke
from tests.accesslayer.downloads.kit import key_pair

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

SITUATIONS = ("anonymous", "unentitled", "expired", "revoked", "new_license_not_accepted", "indirect",
              "data_manager_of_another_organisation", "revoked_token")
REFUSALS = {401, 403, 404}


def _approved(version, applicant):
    item = version.dataset.catalogue_items.get(ended_at__isnull=True)
    handler = UserFactory()
    item.workflow.handlers.add(handler)
    application = application_command(application=None, command="create", actor=applicant,
                                      catalogue_items=[item.pk]).application
    application_command(application=application, command="submit", actor=applicant)
    application_command(application=application, command="approve", actor=handler)
    application.refresh_from_db()
    return application, handler


def _endpoints(version) -> dict[str, tuple[str, str]]:
    """name -> (method, path) of one image, instance and file of `version`."""
    call_command("dicomweb_index", version.dataset.accession)
    image_file = ImageFile.objects.filter(image__version=version).order_by("pk").first()
    row = DicomInstance.objects.filter(version=version).order_by("flavor", "pk").first() or _uids(image_file)
    image, dataset = image_file.image, version.dataset
    study, series = f"/dicomweb/studies/{row.study_uid}", f"/dicomweb/studies/{row.study_uid}/series/{row.series_uid}"
    instance = f"{series}/instances/{row.sop_uid}"
    filename = image_file.filename.rsplit("/", 1)[-1]
    return {
        "viewer page": ("GET", f"/images/{image.accession}/view"),
        "deep zoom info": ("GET", f"/images/{image.accession}/slide.dzi"),
        "tile": ("GET", f"/images/{image.accession}/slide_files/0/0_0.jpeg"),
        "qido studies": ("GET", f"/dicomweb/studies?StudyInstanceUID={row.study_uid}"),
        "qido instances": ("GET", f"{series}/instances"),
        "study metadata": ("GET", f"{study}/metadata"),
        "instance metadata": ("GET", f"{instance}/metadata"),
        "frames": ("GET", f"{instance}/frames/1"),
        "thumbnail": ("GET", f"{instance}/thumbnail"),
        "webdav propfind": ("PROPFIND", f"/webdav/{dataset.accession}/"),
        "webdav get": ("GET", f"/webdav/{dataset.accession}/IMAGES/{image.accession}/{filename}"),
        "download": ("GET", f"/downloads/datasets/{dataset.accession}/v{version.number}/files/{image_file.accession}"),
        "manifest": ("GET", f"/downloads/datasets/{dataset.accession}/v{version.number}/manifest.tsv"),
    }


def _uids(image_file):
    """The UIDs in a file's header (a stub slide is not indexed: it has no frames to serve)."""
    with storage_for("archive").open(image_file.storage_name, "rb") as handle:
        header = pydicom.dcmread(handle, stop_before_pixels=True, force=True)
    return SimpleNamespace(study_uid=header.StudyInstanceUID, series_uid=header.SeriesInstanceUID,
                           sop_uid=header.SOPInstanceUID)


def _request(client: Client, method: str, path: str, headers: dict):
    headers = {"Accept": "*/*", **headers}
    if method == "PROPFIND":
        return client.generic("PROPFIND", path, headers={**headers, "Depth": "1"})
    return client.get(path, headers=headers)


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _with_key(user, tmp_path):
    # A registered crypt4gh key, so that a refused download is refused for want of access, not of a key.
    public_key_register(user=user, name="laptop", text=key_pair(tmp_path, name=f"u{user.pk}").public_text)
    return user


@pytest.fixture
def world(wsi_version, indirect_version, tmp_path):
    """The dataset, its endpoints, and a user (with how they authenticate) for each situation."""
    users, headers = {}, {}
    entitled, _ = _approved(wsi_version, _with_key(UserFactory(), tmp_path))
    users["entitled"] = entitled.applicant

    users["unentitled"] = _with_key(UserFactory(), tmp_path)

    expired, _ = _approved(wsi_version, _with_key(UserFactory(), tmp_path))
    Entitlement.objects.filter(application=expired).update(end=timezone.now() - timedelta(minutes=1))
    users["expired"] = expired.applicant

    revoked, handler = _approved(wsi_version, _with_key(UserFactory(), tmp_path))
    revoke(revoked, handler)
    users["revoked"] = revoked.applicant

    unaccepted, _ = _approved(wsi_version, _with_key(UserFactory(), tmp_path))
    users["new_license_not_accepted"] = unaccepted.applicant

    indirect, _ = _approved(indirect_version, _with_key(UserFactory(), tmp_path))
    users["indirect"] = indirect.applicant

    other = Organisation.objects.exclude(pk=wsi_version.dataset.organisation_id).first()
    manager = _with_key(UserFactory(), tmp_path)
    membership_add(group=organisation_data_managers(other), user=manager)
    users["data_manager_of_another_organisation"] = manager

    token_holder, _ = _approved(wsi_version, _with_key(UserFactory(), tmp_path))
    _, plaintext = token_create(user=token_holder.applicant, name="scripts", days=7)
    token_revoke(token=ApiToken.objects.get(user=token_holder.applicant))
    headers["revoked_token"] = {"Authorization": f"Bearer {plaintext}"}

    # Last: a new version of a license the DAC now asks for; nobody has accepted it yet. Every
    # application of that workflow loses access until its users accept, so the entitled control
    # accepts it at once.
    workflow = wsi_version.dataset.catalogue_items.get(ended_at__isnull=True).workflow
    license = License.objects.create(title="Data use agreement v2")
    workflow.licenses.add(license)
    license_version_create(license=license, text="Use the data for the approved research only.")
    application_command(application=entitled, command="accept-licenses", actor=users["entitled"])
    assert not Entitlement.objects.active().filter(application=unaccepted).exists()
    assert Entitlement.objects.active().filter(application=entitled).exists()
    return SimpleNamespace(direct=_endpoints(wsi_version), indirect=_endpoints(indirect_version),
                           users=users, headers=headers,
                           study_uids={*DicomInstance.objects.values_list("study_uid", flat=True),
                                       _uids(ImageFile.objects.filter(image__version=indirect_version).first()).study_uid})


def _client(world, situation) -> tuple[Client, dict]:
    client = Client()
    user = world.users.get(situation)
    if user is not None:
        client.force_login(user)
    return client, world.headers.get(situation, {})


def test_an_entitled_user_gets_the_data_on_every_endpoint(world):
    client, headers = _client(world, "entitled")
    for name, (method, path) in world.direct.items():
        response = _request(client, method, path, headers)
        assert response.status_code in (200, 207), (name, response.status_code)
        body = _body(response)
        assert body, name
        if name.startswith("qido"):
            assert any(uid.encode() in body for uid in world.study_uids), name


@pytest.mark.parametrize("situation", SITUATIONS)
def test_no_endpoint_serves_data_where_access_is_not_allowed(world, situation):
    client, headers = _client(world, situation)
    endpoints = world.indirect if situation == "indirect" else world.direct
    for name, (method, path) in endpoints.items():
        response = _request(client, method, path, headers)
        status = response.status_code
        if name.startswith("qido") and status == 200:
            body = _body(response)
            assert not any(uid.encode() in body for uid in world.study_uids), (situation, name, body[:200])
            continue
        if status == 302:  # a page for people: off to the login page
            assert situation in ("anonymous", "revoked_token") and "/accounts/login/" in response["Location"], \
                (situation, name)
            continue
        assert status in REFUSALS, (situation, name, status)
