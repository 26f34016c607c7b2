"""Landing-page sample images are public and zoomable; nothing else is served from that path."""

import io
import zipfile

import pytest

from repository.services import dataset_import
from repository.services.public_exports import public_export_build
from tests.repository.metaflex_bundles import build_bundle


@pytest.fixture
def version(db, tmp_path, django_capture_on_commit_callbacks):
    # A db test never commits: run the commit hooks that move staged files into storage.
    with django_capture_on_commit_callbacks(execute=True):
        result = dataset_import(bundle_dir=build_bundle(tmp_path))
    assert result.ok
    return result.version


def test_anonymous_sees_and_downloads_sample_images(client, version):
    page = client.get(f"/datasets/{version.dataset.accession}/").content.decode()
    sample = version.summary["sample_images"][0]
    url = f"/media/public/{sample['name']}"
    assert url in page and "data-zoomable" in page and "openseadragon.min.js" in page
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content)


@pytest.mark.parametrize("name", ["../archive/x.dcm", "bp-dataset-x/../../etc/passwd.jpg", "nothing-here.jpg",
                                  "x.dcm"])
def test_other_paths_are_404(client, version, name):
    assert client.get(f"/media/public/{name}").status_code == 404


def test_terms_of_use_and_citation_are_on_the_page(client, version):
    page = client.get(f"/datasets/{version.dataset.accession}/").content.decode()
    assert "Terms of use and access" in page and "Research use only." in page
    assert "How to cite" in page and 'type="application/ld+json"' in page


def test_public_metaflex_download_leaves_private_files_out(client, version):
    public_export_build(version_id=version.pk)
    response = client.get(f"/datasets/{version.dataset.accession}/metaflex.zip")
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))).namelist()
    assert any(name.endswith("METADATA/image.xml") for name in names)
    assert any(name.endswith("LANDING_PAGE/landing_page.xml") for name in names)
    assert not any("PRIVATE" in name or name.endswith(".dcm") for name in names)
