"""Imports as a committed request sees them, inside tests that never commit.

Imports stage their files and move them into place when the transaction
commits (`bigpicture.staging`). A `db` test never commits, so a test that
reads archived or public files after importing runs the on-commit work here.
"""

from __future__ import annotations

from django.test import TestCase

from repository.services import dataset_import


def import_committed(**kwargs):
    """`dataset_import(**kwargs)`, then the work queued for its commit (moving staged files into place)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return dataset_import(**kwargs)
