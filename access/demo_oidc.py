"""A Life Science AAI stand-in on loopback: oidc-provider-mock, plus a GA4GH visa issuer's JWKS.

`demo_oidc_start(port)` runs it in a thread of the calling process (run_demo) and points this
process's settings and environment at it, so the web server and worker started afterwards inherit
OIDC_OP_ISSUER, OIDC_RP_CLIENT_ID, OIDC_RP_CLIENT_SECRET and GA4GH_TRUSTED_VISA_ISSUERS. Its demo
identity logs in with one click on the mock's page and carries an entitlement and a signed
ResearcherStatus visa. The test fixture (tests/servicekit/oidc_provider.py) runs the same server.
"""

from __future__ import annotations

import json
import os
import threading
import time
import uuid
from dataclasses import dataclass
from urllib.parse import quote

import jwt
import requests
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings
from werkzeug.serving import make_server

DEMO_SUB = "demo-researcher@lifescience-ri.eu"
DEMO_ENTITLEMENT = "urn:geant:lifescience-ri.eu:group:bigpicture:researchers#aai.lifescience-ri.eu"
BONA_FIDE_STATUS = "https://doi.org/10.1038/s41431-018-0219-y"
DEMO_CLIENT_ID = "bigpicture-demo"
DEMO_CLIENT_SECRET = "demo-client-secret"  # the mock accepts any secret; this one is only for show
VISA_ISSUER_PATH = "/visa-issuer"


class VisaSigner:
    """An RSA key that signs GA4GH visas, published as a JWKS at `jku`."""

    def __init__(self, *, issuer: str, jku: str):
        self.issuer, self.jku, self.kid = issuer, jku, uuid.uuid4().hex[:16]
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    @property
    def jwks(self) -> dict:
        jwk = jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key(), as_dict=True)
        return {"keys": [{**jwk, "kid": self.kid, "alg": "RS256", "use": "sig"}]}

    def sign(self, *, sub: str, type: str, value: str, source: str, by: str = "so", asserted: float | None = None,
             lifetime_seconds: int = 30 * 86400, jku: str | None = None, **extra) -> str:
        now = int(time.time())
        payload = {"iss": self.issuer, "sub": sub, "iat": now, "exp": now + lifetime_seconds, "jti": str(uuid.uuid4()),
                   "ga4gh_visa_v1": {"type": type, "value": value, "source": source, "by": by,
                                     "asserted": int(asserted if asserted is not None else now - 86400), **extra}}
        return jwt.encode(payload, self.key, algorithm="RS256",
                          headers={"jku": jku or self.jku, "kid": self.kid, "typ": "JWT"})


def _json_routes(app, routes: dict[str, object]):
    """`app` answering GET `path` with the JSON of `routes[path]` (called each time if callable)."""

    def dispatch(environ, start_response):
        body = routes.get(environ.get("PATH_INFO", ""))
        if body is None:
            return app(environ, start_response)
        data = json.dumps(body() if callable(body) else body).encode()
        start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(data)))])
        return [data]

    return dispatch


@dataclass
class MockProvider:
    """oidc-provider-mock on 127.0.0.1:<port>, in a thread; `issuer` is its base URL.

    `users(provider)` gives the predefined users (one-click buttons on the mock's page); it is called
    once the port, and so the visa issuer, is known.
    """

    port: int = 0
    users: object = None
    wrap: object = None  # a WSGI middleware around the mock (tests: token tampering)
    issuer: str = ""
    visa_signer: VisaSigner | None = None

    def start(self) -> MockProvider:
        import oidc_provider_mock  # a test dependency (pyproject [test]): imported only when a mock runs

        os.environ["AUTHLIB_INSECURE_TRANSPORT"] = "1"  # the mock's authlib refuses plain http otherwise
        self._server = make_server("127.0.0.1", self.port, lambda environ, start: self._app(environ, start),
                                   threaded=True)
        self.port = self._server.server_port
        self.issuer = f"http://127.0.0.1:{self.port}"
        self.visa_signer = VisaSigner(issuer=self.issuer + VISA_ISSUER_PATH,
                                      jku=f"{self.issuer}{VISA_ISSUER_PATH}/jwks.json")
        self.mock = mock = oidc_provider_mock.app(require_nonce=True,
                                                  user_claims=self.users(self) if self.users else ())
        app = _json_routes(mock, {f"{VISA_ISSUER_PATH}/jwks.json": lambda: self.visa_signer.jwks})
        self._app = self.wrap(app) if self.wrap else app
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.1},
                                        name="oidc-provider-mock", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def user_set(self, sub: str, claims: dict) -> None:
        """The claims the mock gives `sub` from its next login on (its PUT /users/<sub>)."""
        response = requests.put(f"{self.issuer}/users/{quote(sub, safe='')}", json=claims, timeout=10)
        response.raise_for_status()

    @property
    def trusted_visa_issuers(self) -> str:
        """The GA4GH_TRUSTED_VISA_ISSUERS value that trusts this server's visa issuer."""
        return f"{self.visa_signer.issuer}|{self.visa_signer.jku}"


@dataclass
class DemoOidc:
    provider: MockProvider
    env: dict[str, str]
    entitlements: tuple[str, ...] = (DEMO_ENTITLEMENT,)
    sub: str = DEMO_SUB

    def stop(self) -> None:
        self.provider.stop()

    def describe(self, portal_url: str) -> list[str]:
        return [f"Log in with Life Science AAI: {portal_url}/accounts/login/ → the mock issuer at "
                f"{self.provider.issuer}/ → click the predefined user {self.sub}",
                f"  it carries the entitlements {', '.join(self.entitlements) or '(none)'}",
                f"  and a ResearcherStatus visa (bona fide researcher); see {portal_url}/account/"]


def demo_users(provider: MockProvider, *, entitlements: tuple[str, ...] = (DEMO_ENTITLEMENT,)) -> list:
    """The demo identity: a researcher with `entitlements` and a ResearcherStatus visa."""
    from oidc_provider_mock import User

    visa = provider.visa_signer.sign(sub=DEMO_SUB, type="ResearcherStatus", value=BONA_FIDE_STATUS,
                                     source="https://www.lifescience-ri.eu/", by="so")
    return [User(sub=DEMO_SUB, claims={
        "email": "rafaela.researcher@demo-university.example", "email_verified": True,
        "name": "Rafaela Researcher", "given_name": "Rafaela", "family_name": "Researcher",
        "preferred_username": "rafaela", "eduperson_entitlement": list(entitlements), "ga4gh_passport_v1": [visa],
    })]


def demo_oidc_start(port: int = 9400, *, entitlements: tuple[str, ...] = (DEMO_ENTITLEMENT,)) -> DemoOidc:
    """Run the stand-in on 127.0.0.1:`port` and point this process (settings and environment) at it.

    `entitlements`: the eduperson_entitlement URNs of the demo identity (a demo group's entitlement_urn).
    """
    provider = MockProvider(port=port, users=lambda mock: demo_users(mock, entitlements=entitlements)).start()
    env = {"OIDC_OP_ISSUER": provider.issuer, "OIDC_RP_CLIENT_ID": DEMO_CLIENT_ID,
           "OIDC_RP_CLIENT_SECRET": DEMO_CLIENT_SECRET, "GA4GH_TRUSTED_VISA_ISSUERS": provider.trusted_visa_issuers}
    os.environ.update(env)
    settings.OIDC_OP_ISSUER, settings.OIDC_RP_CLIENT_ID = provider.issuer, DEMO_CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = DEMO_CLIENT_SECRET
    settings.GA4GH_TRUSTED_VISA_ISSUERS = [(provider.visa_signer.issuer, provider.visa_signer.jku)]
    return DemoOidc(provider=provider, env=env, entitlements=tuple(entitlements))
