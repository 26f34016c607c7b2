"""Users for the WebDAV tests, over the shared published DICOM WSI dataset (tests/accesslayer/conftest.py),
and the in-process transport (httpkit) that counts the bytes the server answers with."""

from __future__ import annotations

from pathlib import Path

import pytest

from access.applications.commands import application_command
from access.services import token_create
from repository.models import Dataset
from tests.access.factories import UserFactory
from tests.accesslayer.webdav.httpkit import CountingTransport, connections_kept


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


@pytest.fixture
def transport(db):
    with connections_kept():
        yield CountingTransport()
