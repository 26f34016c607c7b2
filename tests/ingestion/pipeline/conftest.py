"""Fixtures of the pipeline tests."""

from __future__ import annotations

import pytest


@pytest.fixture
def eager(settings, clamd_server):
    """Tasks run in this process when they are sent (after the commit), with a real clamd."""
    from bigpicture.celery import app

    settings.CELERY_TASK_ALWAYS_EAGER = True
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False
