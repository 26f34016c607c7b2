"""Who may ask: Basic with username and API token, Bearer, the session; anonymous and bad tokens are 401."""

from __future__ import annotations

import pytest

from access.services import token_revoke
from tests.accesslayer.webdav.conftest import token_for
from tests.accesslayer.webdav.davkit import hrefs, propfind
from tests.accesslayer.webdav.httpkit import basic, dav_client


def test_basic_with_the_username_and_a_token_works(transport, published, researcher):
    client = dav_client(transport, basic("researcher", token_for(researcher)))
    assert hrefs(propfind(client, "")) == ["/webdav/", f"/webdav/{published.accession}/"]


def test_bearer_works(transport, published, researcher):
    client = dav_client(transport, {"Authorization": f"Bearer {token_for(researcher)}"})
    assert f"/webdav/{published.accession}/" in hrefs(propfind(client, ""))


def test_the_session_works(client, published, researcher):
    client.force_login(researcher)
    response = client.generic("PROPFIND", "/webdav/", HTTP_DEPTH="1")
    assert response.status_code == 207
    assert published.accession.encode() in response.content


def test_anonymous_is_401_with_a_basic_challenge(transport, published):
    response = propfind(dav_client(transport), "")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith('Basic realm="Bigpicture WebDAV"')
    assert dav_client(transport).get(f"{published.accession}/IMAGES/").status_code == 401


@pytest.mark.parametrize("password", ["wrong", "bpt_00000000_nope", ""])
def test_a_bad_token_is_401(transport, researcher, password):
    response = propfind(dav_client(transport, basic("researcher", password)), "")
    assert response.status_code == 401
    assert "WWW-Authenticate" in response.headers


def test_a_token_of_another_user_or_a_revoked_one_is_401(transport, researcher, outsider):
    assert propfind(dav_client(transport, basic("outsider", token_for(researcher))), "").status_code == 401
    token = token_for(researcher)
    client = dav_client(transport, basic("researcher", token))
    assert propfind(client, "").status_code == 207
    token_revoke(token=researcher.api_tokens.get(prefix=token.split("_")[1]), actor=researcher)
    response = propfind(client, "")
    assert response.status_code == 401
    assert "revoked" in response.text
