"""image_for_pixels and version_for_pixels: 404 for what users never see, 403 without entitlement."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from wsidicom import WsiDicom

from access.selectors.pixels import image_for_pixels, instance_open, lookups_forget, version_for_pixels
from repository.models import DatasetStatus, Image
from repository.services.datasets import dataset_status_change

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def test_an_entitled_user_gets_the_image_and_its_dicom_instances(entitled_user, wsi_image, wsi_version):
    found = image_for_pixels(entitled_user, wsi_image.accession)
    assert found.version == wsi_version and found.image == wsi_image
    assert len(found.files) >= 3  # the pyramid levels, the label and the overview
    with WsiDicom.open_streams([instance_open(file) for file in found.files]) as slide:
        assert slide.size.width == 2048 and len(slide.levels) >= 2
    assert version_for_pixels(entitled_user, wsi_version.dataset.accession) == wsi_version
    assert version_for_pixels(entitled_user, wsi_version.dataset.accession, 1) == wsi_version


def test_without_entitlement_it_is_refused(unentitled_user, wsi_image, wsi_version):
    with pytest.raises(PermissionDenied):
        image_for_pixels(unentitled_user, wsi_image.accession)
    with pytest.raises(PermissionDenied):
        version_for_pixels(unentitled_user, wsi_version.dataset.accession)


def test_unknown_indirect_and_withdrawn_are_not_found(entitled_user, wsi_image, wsi_version, indirect_version):
    with pytest.raises(Http404):
        image_for_pixels(entitled_user, "BPIN9999999999")
    with pytest.raises(Http404):
        version_for_pixels(entitled_user, wsi_version.dataset.accession, 7)
    indirect_image = Image.objects.get(version=indirect_version)
    with pytest.raises(Http404):
        image_for_pixels(entitled_user, indirect_image.accession)
    with pytest.raises(Http404):
        version_for_pixels(entitled_user, indirect_version.dataset.accession)
    dataset_status_change(dataset=wsi_version.dataset, status=DatasetStatus.WITHDRAWN, reason="Consent withdrawn.",
                          actor=None)
    lookups_forget()
    with pytest.raises(Http404):
        image_for_pixels(entitled_user, wsi_image.accession)
    with pytest.raises(Http404):
        version_for_pixels(entitled_user, wsi_version.dataset.accession)
