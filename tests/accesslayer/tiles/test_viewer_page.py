"""The viewer page: the slide's metadata, the scale bar's µm per pixel, its case's slides, and the audit."""

import pytest
from lxml import html

from governance.models import AuditEvent
from repository.models import Image

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def test_the_page_shows_metadata_scale_and_case_navigation(client, entitled_user, wsi_version):
    client.force_login(entitled_user)
    image = Image.objects.get(version=wsi_version, alias="image-1")
    response = client.get(f"/images/{image.accession}/view")
    assert response.status_code == 200
    page = html.fromstring(response.content)
    viewer = page.get_element_by_id("slide-viewer")
    assert viewer.get("data-dzi") == f"/images/{image.accession}/slide.dzi"
    assert float(viewer.get("data-mpp")) == pytest.approx(0.25)
    text = " ".join(page.xpath("//aside")[0].text_content().split())
    assert "Breast structure" in text and "Biopsy" in text  # the specimen
    assert "Hematoxylin and eosin stain" in text  # the staining
    assert "2048 × 1536 px" in text and "0.25 µm/px" in text  # the DICOM headers
    assert "BigPicture synthetic" in text and "TissueModel" in text  # the scanner
    case_links = page.xpath("//ol[@class='case-slides']//a/@href")
    sibling = Image.objects.get(version=wsi_version, alias="image-1-2")
    assert case_links == [f"/images/{sibling.accession}/view"]
    assert page.xpath("//ol[@class='case-slides']//*[@aria-current='page']/text()") == ["image-1"]
    assert f"/dicomweb/viewer/{image.accession}" in page.xpath("//a/@href")  # the second viewer
    event = AuditEvent.objects.get(action="pixels.viewer_open")
    assert event.target_id == image.accession and event.actor_id == entitled_user.pk


def test_an_unknown_image_is_not_found(client, entitled_user):
    client.force_login(entitled_user)
    assert client.get("/images/BPIM-NOPE/view").status_code == 404
