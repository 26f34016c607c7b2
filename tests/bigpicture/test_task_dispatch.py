"""Tasks are sent only after commit and take ids, not objects."""

from __future__ import annotations

import pytest
from django.db import transaction

from bigpicture.tasks import portal_task, route_task
from tests.workerkit import tasks


def test_dispatch_waits_for_commit(db, django_capture_on_commit_callbacks, monkeypatch):
    sent = []
    monkeypatch.setattr(tasks.add, "apply_async", lambda args, kwargs: sent.append(args))
    with django_capture_on_commit_callbacks(execute=True):
        tasks.add.dispatch(1, 2)
        assert sent == []
    assert sent == [(1, 2)]


def test_rolled_back_dispatch_is_never_sent(transactional_db, monkeypatch):
    sent = []
    monkeypatch.setattr(tasks.add, "apply_async", lambda args, kwargs: sent.append(args))
    with pytest.raises(RuntimeError), transaction.atomic():
        tasks.add.dispatch(1, 2)
        raise RuntimeError("roll back")
    assert sent == []


def test_model_instances_are_refused(db, user_factory):
    with pytest.raises(TypeError, match="pass the primary key"):
        tasks.add.dispatch(user_factory(), 1)


def test_every_task_has_late_acks_and_retry():
    for task in (tasks.add, tasks.fail_then_succeed):
        assert task.acks_late and task.reject_on_worker_lost
        assert task.max_retries and task.retry_backoff


def test_tasks_go_to_named_queues():
    assert route_task(tasks.fail_then_succeed.name, (), {}, {}) == {"queue": "ingest"}
    assert route_task(tasks.add.name, (), {}, {}) == {"queue": "default"}
    with pytest.raises(ValueError, match="unknown queue"):
        portal_task(queue="nope")
