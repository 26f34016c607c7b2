"""Fixtures for the review, validation and publishing tests (star-imported by their modules, so they win over conftest's)."""

from __future__ import annotations

import pytest

from access.roles import Role
from access.services import organisation_create, user_create
from ingestion.models import Submission
from tests.repository.public_fixtures import local_storage  # noqa: F401  (fixture)


@pytest.fixture
def organisation(db):
    return organisation_create(name="Review Hospital", slug="review-hospital", country="SE")


@pytest.fixture
def contributor(organisation):
    return user_create(username="contributor", email="c@example.org", password="pw-contributor-1",
                       organisation=organisation, roles=(Role.CONTRIBUTOR,))


@pytest.fixture
def steward(organisation):
    return user_create(username="steward", email="s@example.org", password="pw-steward-1",
                       roles=(Role.DATA_STEWARD,))


@pytest.fixture
def submission(organisation, contributor):
    return Submission.objects.create(organisation=organisation, created_by=contributor, title="Melanoma biopsies",
                                     changelog="First release from the review tests.")
