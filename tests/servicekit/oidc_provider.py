"""oidc-provider-mock on loopback (real HTTP), and a driver for the authorization-code flow.

    provider = oidc_provider            # session: access.demo_oidc.MockProvider, wrapped by a TokenTamper
    oidc = oidc_portal                  # per test: the portal's settings point at it; oidc.tamper is reset
    oidc.provider.user_set(sub, claims) # claims of the next login (also eduperson_entitlement, passports)
    response = oidc.login(client, sub)  # portal start -> mock's form (requests) -> portal callback
    oidc.tamper.claims = {"aud": "x"}   # the next ID token says so, signed again with the mock's key
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import flask
import jwt
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import rsa

from access.demo_oidc import MockProvider

CLIENT_ID = "portal-test"
CLIENT_SECRET = "portal-test-secret"


def _captured(app, environ) -> tuple[str, list, bytes]:
    seen = {}

    def start_response(status, headers, exc_info=None):
        seen["status"], seen["headers"] = status, headers
        return lambda data: None

    iterable = app(environ, start_response)
    try:
        body = b"".join(iterable)
    finally:
        getattr(iterable, "close", lambda: None)()
    return seen["status"], seen["headers"], body


class TokenTamper:
    """WSGI middleware: with `claims` set, the next token response's ID token gets them (None deletes
    a claim) and is signed again with the mock's own key, so only the changed claims can fail the
    checks. `forge`: sign with a key nobody publishes instead (a bad signature); `kid`: name that kid.
    """

    def __init__(self):
        self._other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.mock_storage = None  # the mock's storage (its signing key), seen at its first request
        self.reset()

    def reset(self) -> None:
        self.claims: dict | None = None
        self.forge = False
        self.kid: str | None = None

    def attach(self, flask_app) -> None:
        def remember():
            self.mock_storage = flask.g.oidc_provider_mock_storage

        flask_app.before_request(remember)

    def __call__(self, app):
        def middleware(environ, start_response):
            if environ.get("PATH_INFO") == "/oauth2/token" and self.claims is not None:
                status, headers, body = _captured(app, environ)
                token = json.loads(body)
                if "id_token" in token:
                    token["id_token"] = self._resign(token["id_token"])
                    self.claims = None
                return self._respond(start_response, status, headers, token)
            return app(environ, start_response)

        return middleware

    def _resign(self, id_token: str) -> str:
        claims = jwt.decode(id_token, options={"verify_signature": False})
        for name, value in self.claims.items():
            if value is None:
                claims.pop(name, None)
            else:
                claims[name] = value
        key = self._other if self.forge else self.mock_storage.jwk.as_pem(is_private=True)
        return jwt.encode(claims, key, algorithm="RS256", headers={"kid": self.kid} if self.kid else None)

    @staticmethod
    def _respond(start_response, status, headers, document):
        data = json.dumps(document).encode()
        headers = [(name, value) for name, value in headers if name.lower() != "content-length"]
        start_response(status, headers + [("Content-Length", str(len(data)))])
        return [data]


@dataclass
class OidcPortal:
    provider: MockProvider
    tamper: TokenTamper

    def start(self, client, next_url: str | None = None) -> str:
        """The portal's redirect to the mock's authorization page (a fresh state and nonce)."""
        response = client.get("/oidc/authenticate/", {"next": next_url} if next_url else {})
        assert response.status_code == 302, response
        assert response["Location"].startswith(self.provider.issuer), response["Location"]
        return response["Location"]

    def authorize(self, authorize_url: str, sub: str) -> str:
        """Submit the mock's authorization form for `sub` as a browser would; the callback URL it redirects to."""
        page = requests.get(authorize_url, timeout=10)
        assert page.status_code == 200, page.text
        answer = requests.post(authorize_url, data={"sub": sub}, allow_redirects=False, timeout=10)
        assert answer.status_code in (302, 303), answer.text
        return answer.headers["Location"]

    def callback(self, client, callback_url: str):
        parts = urlsplit(callback_url)
        return client.get(parts.path, {key: values[0] for key, values in parse_qs(parts.query).items()})

    def login(self, client, sub: str, next_url: str | None = None):
        return self.callback(client, self.authorize(self.start(client, next_url), sub))


def query_replace(url: str, **changes) -> str:
    parts = urlsplit(url)
    query = {key: values[0] for key, values in parse_qs(parts.query).items()}
    return urlunsplit(parts._replace(query=urlencode({**query, **changes})))


def query_value(url: str, name: str) -> str:
    return parse_qs(urlsplit(url).query)[name][0]


@pytest.fixture(scope="session")
def oidc_provider():
    tamper = TokenTamper()
    provider = MockProvider(wrap=tamper).start()
    tamper.attach(provider.mock)
    try:
        yield provider
    finally:
        provider.stop()


@pytest.fixture
def oidc_portal(oidc_provider, settings):
    from access.oidc.discovery import provider_forget

    settings.OIDC_OP_ISSUER = oidc_provider.issuer
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.GA4GH_TRUSTED_VISA_ISSUERS = [(oidc_provider.visa_signer.issuer, oidc_provider.visa_signer.jku)]
    tamper = oidc_provider.wrap
    tamper.reset()
    provider_forget()
    yield OidcPortal(provider=oidc_provider, tamper=tamper)
    tamper.reset()
    provider_forget()


def now() -> int:
    return int(time.time())
