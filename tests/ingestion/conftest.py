"""Fixtures of the ingestion tests."""

from tests.ingestion.uploadkit import contributor, organisation, portal, small_parts, submission  # noqa: F401
