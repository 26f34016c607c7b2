"""A small client of the upload protocol over real HTTP (a live server), and the people who use it.

    def test_x(portal, submission):
        file = portal.upload(submission, "METADATA/dataset.xml", data)

`portal` talks to the live server with a logged-in session (and CSRF token, as a
browser would); part URLs are followed wherever they point (the portal's own
part endpoint, or S3 on the moto server).
"""

from __future__ import annotations

import hashlib
import socket
from urllib.parse import urlsplit

import pytest
import requests
from django.contrib.auth.models import Group
from django.test import Client

from access.roles import Role
from ingestion.services.submissions import submission_create
from tests.access.factories import OrganisationFactory, UserFactory

MiB = 1024 * 1024
CSRF = "c" * 32


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def payload(size: int, seed: int = 0) -> bytes:
    """Distinct bytes per seed (so two payloads never share a checksum)."""
    block = hashlib.sha256(f"seed {seed}".encode()).digest() * 2048
    return (block * (size // len(block) + 1))[:size]


def contributor_of(organisation, username: str | None = None):
    user = UserFactory(organisation=organisation, **({"username": username} if username else {}))
    user.groups.add(Group.objects.get_or_create(name=Role.CONTRIBUTOR)[0])
    return user


class PortalClient:
    def __init__(self, base_url: str, user=None):
        self.base_url = base_url.rstrip("/")
        self.http = requests.Session()
        if user is not None:
            client = Client()
            client.force_login(user)
            self.http.cookies.set("sessionid", client.cookies["sessionid"].value)
            self.http.cookies.set("csrftoken", CSRF)
            self.http.headers["X-CSRFToken"] = CSRF

    def api(self, method: str, path: str, **kwargs) -> requests.Response:
        return self.http.request(method, f"{self.base_url}/api/v1/{path.lstrip('/')}", timeout=120, **kwargs)

    def files_path(self, submission) -> str:
        return f"submissions/{submission.pk}/files/"

    def register(self, submission, path: str, data: bytes, *, declare: bool = True) -> requests.Response:
        body = {"path": path, "size": len(data), **({"sha256": sha256(data)} if declare else {})}
        return self.api("POST", self.files_path(submission), json=body)

    def part_urls(self, submission, file_id: str, numbers: list[int]) -> list[dict]:
        response = self.api("POST", f"{self.files_path(submission)}{file_id}/parts/", json={"numbers": numbers})
        assert response.status_code == 200, response.text
        return response.json()["parts"]

    def send_parts(self, submission, file: dict, data: bytes, numbers: list[int]) -> None:
        size = file["part_size"]
        for part in self.part_urls(submission, file["id"], numbers):
            chunk = data[(part["number"] - 1) * size:part["number"] * size]
            response = requests.request(part["method"], part["url"], data=chunk, headers=part["headers"],
                                        timeout=120)
            assert response.status_code == 200, response.text

    def missing_parts(self, file: dict) -> list[int]:
        held = {part["number"] for part in file["parts"]}
        return [n for n in range(1, file["parts_total"] + 1) if n not in held]

    def complete(self, submission, file_id: str) -> requests.Response:
        return self.api("POST", f"{self.files_path(submission)}{file_id}/complete/")

    def file(self, submission, file_id: str) -> dict:
        response = self.api("GET", f"{self.files_path(submission)}{file_id}/")
        assert response.status_code == 200, response.text
        return response.json()

    def upload(self, submission, path: str, data: bytes, **register) -> dict:
        """Register, send the missing parts, complete: what every client does."""
        response = self.register(submission, path, data, **register)
        assert response.status_code in (200, 201), response.text
        file = response.json()
        self.send_parts(submission, file, data, self.missing_parts(file))
        response = self.complete(submission, file["id"])
        assert response.status_code == 200, response.text
        return response.json()


def send_cut_short(url: str, data: bytes, sent: int) -> bytes:
    """PUT `data` to `url` declaring its full length, send only `sent` bytes, then drop the connection.

    Shutting down our side (instead of a bare close) lets the server see the body end early
    and answer; the answer is returned, so the test knows the server is done with the request.
    """
    parts = urlsplit(url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    with socket.create_connection((parts.hostname, parts.port), timeout=60) as sock:
        head = (f"PUT {target} HTTP/1.1\r\nHost: {parts.netloc}\r\nContent-Length: {len(data)}\r\n"
                "Connection: close\r\n\r\n")
        sock.sendall(head.encode() + data[:sent])
        sock.shutdown(socket.SHUT_WR)
        answer = b""
        try:
            while chunk := sock.recv(65536):
                answer += chunk
        except OSError:
            pass
    return answer


@pytest.fixture
def organisation(transactional_db):
    return OrganisationFactory()


@pytest.fixture
def contributor(organisation):
    return contributor_of(organisation)


@pytest.fixture
def submission(contributor, organisation):
    return submission_create(organisation=organisation, actor=contributor, title="Breast biopsies")


@pytest.fixture
def small_parts(settings, storage_backend):
    """1 MiB parts locally; S3 needs 5 MiB parts (all but the last)."""
    settings.INGESTION_PART_SIZE = 5 * MiB if storage_backend.backend == "s3" else MiB
    return settings.INGESTION_PART_SIZE


@pytest.fixture
def portal(live_server, contributor, storage_backend, small_parts):
    return PortalClient(live_server.url, contributor)
