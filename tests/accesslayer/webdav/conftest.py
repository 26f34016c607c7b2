"""Users for the WebDAV tests, over the shared published DICOM WSI dataset, and an httpx client that
talks WebDAV to the project in-process (its WSGI application) and counts the bytes it answers with."""

from __future__ import annotations

import base64
from pathlib import Path

import httpx
import pytest
import requests
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections

from access.applications.commands import application_command
from access.services import token_create
from repository.models import Dataset
from tests.access.factories import UserFactory

BASE = "http://testserver/webdav/"


@pytest.fixture
def published(wsi_version) -> Dataset:
    """The shared published dataset (tests/accesslayer/conftest.py): three real DICOM WSI images."""
    return Dataset.objects.select_related("latest_version").get(pk=wsi_version.dataset_id)


@pytest.fixture
def archive_root(archive_storage) -> Path:
    return archive_storage / "archive"


def entitle(dataset: Dataset, user):
    """An application of `user` for `dataset` approved through the command engine, by a handler of the
    dataset's workflow (kept as `application.handler`, who may revoke it)."""
    item = dataset.catalogue_items.get(ended_at__isnull=True)
    handler = UserFactory()
    item.workflow.handlers.add(handler)
    application = application_command(application=None, command="create", actor=user,
                                      catalogue_items=[item.pk]).application
    if item.licenses.exists():
        application_command(application=application, command="accept-licenses", actor=user)
    application_command(application=application, command="submit", actor=user)
    application_command(application=application, command="approve", actor=handler)
    application.refresh_from_db()
    application.handler = handler
    return application


@pytest.fixture
def researcher(published):
    user = UserFactory(username="researcher")
    user.application = entitle(published, user)
    return user


@pytest.fixture
def outsider(db):
    return UserFactory(username="outsider")


def token_for(user) -> str:
    return token_create(user=user, name="webdav", days=30)[1]


def basic(username: str, password: str) -> dict:
    return {"Authorization": "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()}


class CountingTransport(httpx.WSGITransport):
    """The project's WSGI application in-process. `sent` adds up the body bytes the client consumed, as
    the server yields them (a client that closes a response early stops the server's stream)."""

    def __init__(self):
        super().__init__(app=get_wsgi_application())
        self.sent = 0
        self.requests: list[tuple[str, str, str]] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = super().handle_request(request)
        self.requests.append((request.method, request.url.path, request.headers.get("Range", "")))
        return httpx.Response(response.status_code, headers=response.headers, extensions=response.extensions,
                              stream=_Counted(response.stream, self))


class _Counted(httpx.SyncByteStream):
    def __init__(self, stream, transport: CountingTransport):
        self.stream, self.transport = stream, transport

    def __iter__(self):
        for chunk in self.stream:
            self.transport.sent += len(chunk)
            yield chunk

    def close(self) -> None:
        self.stream.close()


class WSGIAdapter(requests.adapters.BaseAdapter):
    """Sends a requests session's requests (fsspec's sync HTTP filesystem) through the in-process transport."""

    def __init__(self, transport: CountingTransport):
        super().__init__()
        self.client = httpx.Client(transport=transport)

    def send(self, request, **kwargs):
        answer = self.client.request(request.method, request.url, headers=dict(request.headers),
                                     content=request.body)
        response = requests.Response()
        response.status_code, response.reason = answer.status_code, answer.reason_phrase
        response.headers = requests.structures.CaseInsensitiveDict(answer.headers)
        response._content, response.encoding = answer.content, answer.encoding
        response.url, response.request = request.url, request
        return response

    def close(self) -> None:
        self.client.close()


@pytest.fixture
def transport(db):
    # As Django's test client does: a request must not close the test's connection (and its transaction).
    for signal in (signals.request_started, signals.request_finished):
        signal.disconnect(close_old_connections)
    yield CountingTransport()
    for signal in (signals.request_started, signals.request_finished):
        signal.connect(close_old_connections)


def dav_client(transport: CountingTransport, headers: dict | None = None) -> httpx.Client:
    return httpx.Client(transport=transport, base_url=BASE, headers=headers or {})
