"""Fixtures shared by the repository tests."""

from tests.repository.public_fixtures import (  # noqa: F401
    bundle_builder,
    imported_version,
    local_storage,
    s3_storage,
)
