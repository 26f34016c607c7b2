"""A mounted share loses a revoked dataset within the permission cache's lifetime (≤ 60 s): here at
once, since revocation bumps the cached answer's generation."""

from __future__ import annotations

from pathlib import PurePosixPath

from access.applications.commands import application_command
from repository.models import ImageFile
from tests.accesslayer.webdav.conftest import token_for
from tests.accesslayer.webdav.davkit import hrefs, propfind
from tests.accesslayer.webdav.httpkit import basic, dav_client


def test_revoking_the_application_closes_the_share(transport, settings, published, researcher):
    settings.PERMISSION_CACHE_SECONDS = 60
    client = dav_client(transport, basic("researcher", token_for(researcher)))
    row = ImageFile.objects.filter(image__version=published.latest_version).first()
    url = f"{published.accession}/IMAGES/{row.image.accession}/{PurePosixPath(row.filename).name}"
    assert client.get(url, headers={"Range": "bytes=0-127"}).status_code == 206
    assert f"/webdav/{published.accession}/" in hrefs(propfind(client, ""))

    application = researcher.application
    application_command(application=application, command="revoke", actor=application.handler,
                        comment="Broke the data use agreement.")

    assert client.get(url, headers={"Range": "bytes=128-255"}).status_code == 403
    assert propfind(client, f"{published.accession}/").status_code == 403
    assert hrefs(propfind(client, "")) == ["/webdav/"]
