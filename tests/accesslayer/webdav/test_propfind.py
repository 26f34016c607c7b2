"""PROPFIND listings per user: the entitled see their dataset, others an empty root, indirect never."""

from __future__ import annotations

from pathlib import PurePosixPath

from access.roles import Role
from access.services import role_grant
from repository.models import AccessType, ImageFile
from tests.access.factories import UserFactory
from tests.accesslayer.webdav.conftest import token_for
from tests.accesslayer.webdav.davkit import hrefs, properties, propfind
from tests.accesslayer.webdav.httpkit import basic, dav_client


def test_the_entitled_user_sees_the_dataset_down_to_its_dicom_files(transport, published, researcher):
    client = dav_client(transport, basic("researcher", token_for(researcher)))
    accession = published.accession
    assert hrefs(propfind(client, "")) == ["/webdav/", f"/webdav/{accession}/"]
    assert hrefs(propfind(client, f"{accession}/")) == [
        f"/webdav/{accession}/", f"/webdav/{accession}/IMAGES/", f"/webdav/{accession}/v1/"]
    images = hrefs(propfind(client, f"{accession}/IMAGES/"))[1:]
    image = images[0].split("/")[-2]
    files = ImageFile.objects.filter(image__accession=image, image__version=published.latest_version)
    listing = properties(propfind(client, f"{accession}/IMAGES/{image}/"))
    expected = {f"/webdav/{accession}/IMAGES/{image}/{PurePosixPath(f.filename).name}": f for f in files}
    assert len(expected) >= 4  # levels, label, overview
    assert set(listing) == {f"/webdav/{accession}/IMAGES/{image}/", *expected}
    for href, row in expected.items():
        assert listing[href]["getcontentlength"] == str(row.size)
        assert listing[href]["getetag"] == f'"{row.checksum}"'
        assert listing[href]["getcontenttype"] == "application/dicom"
        assert listing[href]["resourcetype"] is None
    assert listing[f"/webdav/{accession}/IMAGES/{image}/"]["resourcetype"] == "collection"


def test_depth_zero_names_only_the_resource_and_a_file_answers_for_itself(transport, published, researcher):
    client = dav_client(transport, basic("researcher", token_for(researcher)))
    assert hrefs(propfind(client, "", depth="0")) == ["/webdav/"]
    root = f"{published.accession}/IMAGES/"
    image = hrefs(propfind(client, root))[1].split("/")[-2]
    name = hrefs(propfind(client, f"{root}{image}/"))[1].split("/")[-1]
    assert hrefs(propfind(client, f"{root}{image}/{name}", depth="0")) == [f"/webdav/{root}{image}/{name}"]


def test_depth_infinity_is_refused_on_a_collection(transport, published, researcher):
    client = dav_client(transport, basic("researcher", token_for(researcher)))
    response = propfind(client, "", depth="infinity")
    assert response.status_code == 403
    assert b"propfind-finite-depth" in response.content
    # No Depth (RFC 4918: infinity) is answered as Depth 1: webdav4 asks so for a resource's own properties.
    assert hrefs(client.request("PROPFIND", "")) == ["/webdav/", f"/webdav/{published.accession}/"]


def test_named_properties_and_unknown_ones(transport, researcher):
    client = dav_client(transport, basic("researcher", token_for(researcher)))
    body = ('<?xml version="1.0"?><D:propfind xmlns:D="DAV:" xmlns:Z="urn:x"><D:prop>'
            "<D:resourcetype/><Z:colour/></D:prop></D:propfind>")
    response = propfind(client, "", depth="0", body=body)
    assert properties(response) == {"/webdav/": {"resourcetype": "collection"}}
    assert b"404 Not Found" in response.content and b"colour" in response.content
    assert propfind(client, "", depth="0", body="<not-xml").status_code == 400


def test_an_unentitled_user_sees_an_empty_root_and_no_dataset(transport, published, outsider):
    client = dav_client(transport, basic("outsider", token_for(outsider)))
    assert hrefs(propfind(client, "")) == ["/webdav/"]
    assert propfind(client, f"{published.accession}/").status_code == 403
    assert propfind(client, f"{published.accession}/IMAGES/").status_code == 403
    assert propfind(client, "NO-SUCH-DATASET/").status_code == 404


def test_an_indirect_access_dataset_never_appears_even_to_the_entitled(transport, published, researcher):
    published.latest_version.access_type = AccessType.INDIRECT
    published.latest_version.save(update_fields=["access_type"])
    client = dav_client(transport, basic("researcher", token_for(researcher)))
    assert hrefs(propfind(client, "")) == ["/webdav/"]
    assert propfind(client, f"{published.accession}/").status_code == 404
    assert propfind(client, f"{published.accession}/IMAGES/").status_code == 404


def test_a_data_steward_sees_every_direct_dataset_and_never_an_indirect_one(transport, published, indirect_version):
    steward = UserFactory(username="steward")
    role_grant(user=steward, role=Role.DATA_STEWARD)
    client = dav_client(transport, basic("steward", token_for(steward)))
    assert hrefs(propfind(client, "")) == ["/webdav/", f"/webdav/{published.accession}/"]
    assert propfind(client, f"{indirect_version.dataset.accession}/").status_code == 404


def test_a_version_is_also_under_its_number(transport, published, researcher):
    client = dav_client(transport, basic("researcher", token_for(researcher)))
    latest = [href.split("/", 4)[-1] for href in hrefs(propfind(client, f"{published.accession}/IMAGES/"))]
    numbered = [href.split("/", 5)[-1] for href in hrefs(propfind(client, f"{published.accession}/v1/IMAGES/"))]
    assert numbered == latest and len(latest) == 4  # the folder and three images
    assert hrefs(propfind(client, f"{published.accession}/v1/")) == [
        f"/webdav/{published.accession}/v1/", f"/webdav/{published.accession}/v1/IMAGES/"]
