"""Shared fixtures and the rules for service-marked tests.

A test marked `postgres` or `redis` is skipped when that service is not the one
configured, except in CI (CI=true), where it fails: CI must run everything.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import connection

from tests.servicekit.browser import chromium, desktop_page, phone_page  # noqa: F401  (fixtures)
from tests.servicekit.ci import skip_or_fail
from tests.servicekit.clamd import clamd_server, clamd_stoppable  # noqa: F401  (fixtures)
from tests.servicekit.moto import s3_server  # noqa: F401  (fixture)
from tests.servicekit.storage import storage_backend  # noqa: F401  (fixture)
from tests.workerkit.process import celery_worker  # noqa: F401  (fixture)


@pytest.fixture(autouse=True)
def _service_markers(request):
    if request.node.get_closest_marker("postgres") and connection.vendor != "postgresql":
        skip_or_fail("needs PostgreSQL (set DATABASE_URL)")
    if request.node.get_closest_marker("redis") and not settings.CELERY_BROKER_URL.startswith("redis"):
        skip_or_fail("needs Redis (set CELERY_BROKER_URL)")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_process_memos():
    # Each process remembers recent permission answers and who a credential stood for; row ids
    # (SQLite reuses them) and sessions must not carry over from one test to the next.
    from access.selectors.permissions import local_answers_forget
    from access.selectors.principals import recent_users_forget

    local_answers_forget()
    recent_users_forget()
    yield
    local_answers_forget()
    recent_users_forget()


@pytest.fixture
def user_factory(db):
    from tests.access.factories import UserFactory

    return UserFactory
