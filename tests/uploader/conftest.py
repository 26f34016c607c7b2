"""A live portal with a contributor's API token, for the uploader's tests."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from access.roles import Role
from access.services import token_create
from tests.access.factories import OrganisationFactory, UserFactory
from tests.governance.factories import dsa_signed
from tests.uploader.kit import PART_SIZE


@pytest.fixture
def portal(live_server, settings, celery_worker):
    """The live server's URL, with small parts and a worker that verifies checksums."""
    settings.INGESTION_PART_SIZE = PART_SIZE
    celery_worker(INGESTION_PART_SIZE=str(PART_SIZE))
    return live_server.url


@pytest.fixture
def contributor(transactional_db):
    organisation = OrganisationFactory(slug="uploader-hospital", name="Uploader Hospital")
    user = UserFactory(username="transporter", organisation=organisation)
    user.groups.add(Group.objects.get_or_create(name=Role.CONTRIBUTOR)[0])
    dsa_signed(organisation)  # submissions need the organisation's signed data sharing agreement
    return user


@pytest.fixture
def token(contributor):
    return token_create(user=contributor, name="bulk uploader test", days=1)[1]


@pytest.fixture
def cache(tmp_path):
    return tmp_path / "cache"
