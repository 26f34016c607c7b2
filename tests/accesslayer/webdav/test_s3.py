"""On S3, a ranged GET of a file is one ranged GetObject: the server never downloads the whole object."""

from __future__ import annotations

from pathlib import PurePosixPath

import pytest
from django.core.management import call_command

from bigpicture.storage import storage_for
from repository.models import DatasetVersion, ImageFile
from tests.access.factories import UserFactory
from tests.accesslayer.webdav.conftest import entitle, token_for
from tests.accesslayer.webdav.httpkit import basic, dav_client


@pytest.mark.s3
@pytest.mark.parametrize("storage_backend", ["s3"], indirect=True)
def test_a_range_is_one_ranged_get_object(transport, storage_backend, wsi_bundles, django_capture_on_commit_callbacks,
                                          monkeypatch):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("import_metaflex", str(wsi_bundles["direct"]))
    version = DatasetVersion.objects.select_related("dataset").get(alias=wsi_bundles["direct"].name[8:])
    user = UserFactory(username="s3reader")
    entitle(version.dataset, user)
    row = ImageFile.objects.filter(image__version=version).order_by("-size").first()
    whole = storage_backend.read(f"archive/{row.storage_name}")

    storage = storage_for("archive")
    calls = []
    storage.bucket.meta.client.meta.events.register(
        "provide-client-params.s3.GetObject", lambda params, **kwargs: calls.append(params.get("Range")))
    monkeypatch.setattr(type(storage), "_open", lambda *args, **kwargs: pytest.fail("the whole object was opened"))

    client = dav_client(transport, basic("s3reader", token_for(user)))
    url = f"{version.dataset.accession}/IMAGES/{row.image.accession}/{PurePosixPath(row.filename).name}"
    response = client.get(url, headers={"Range": "bytes=1000-4999"})
    assert response.status_code == 206
    assert response.content == whole[1000:5000]
    assert calls == ["bytes=1000-4999"]
    assert client.get(url).content == whole
