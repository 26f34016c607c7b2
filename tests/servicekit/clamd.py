"""A private clamd (ingestion.scanning.server) for the whole test session.

`clamd_server` starts it once, points settings.CLAMD_ADDRESS and the environment (so worker
processes started later inherit it) at its socket, and yields the ClamdServer: a test may
`stop()` it to see clamd go away and `start()` it again on the same socket. `clamd_stoppable`
is the same server for such tests, started again after the test whatever happened.
"""

from __future__ import annotations

import os

import pytest
from django.test import override_settings

from ingestion.scanning.server import ClamdServer, clamd_binary
from tests.servicekit.ci import skip_or_fail


@pytest.fixture(scope="session")
def clamd_server(tmp_path_factory):
    if clamd_binary() is None:
        skip_or_fail("needs clamd (Debian: apt-get install clamav-daemon clamdscan)")
    server = ClamdServer(tmp_path_factory.mktemp("clamd")).start()
    previous = os.environ.get("CLAMD_ADDRESS")
    os.environ["CLAMD_ADDRESS"] = server.address
    with override_settings(CLAMD_ADDRESS=server.address):
        try:
            yield server
        finally:
            server.stop()
            if previous is None:
                os.environ.pop("CLAMD_ADDRESS", None)
            else:
                os.environ["CLAMD_ADDRESS"] = previous


@pytest.fixture
def clamd_stoppable(clamd_server):
    yield clamd_server
    clamd_server.start()
