"""Clients for the WebDAV share, in-process: the project's WSGI application behind httpx, counting the
bytes it answers with, and a requests adapter onto it (for fsspec's sync HTTP filesystem).
Used by the tests and by bench/bench_webdav.py."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import requests
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections

BASE = "http://testserver/webdav/"


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


def dav_client(transport: CountingTransport, headers: dict | None = None) -> httpx.Client:
    return httpx.Client(transport=transport, base_url=BASE, headers=headers or {})


@contextmanager
def connections_kept() -> Iterator[None]:
    """As Django's test client does: requests do not close the caller's connection (and its transaction)."""
    for signal in (signals.request_started, signals.request_finished):
        signal.disconnect(close_old_connections)
    try:
        yield
    finally:
        for signal in (signals.request_started, signals.request_finished):
            signal.connect(close_old_connections)
