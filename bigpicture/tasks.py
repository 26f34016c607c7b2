"""The portal's task base: every task gets the same delivery guarantees.

- dispatched with `.dispatch(...)`, which sends on `transaction.on_commit`
  so a worker never sees rows that were rolled back;
- `acks_late` and `reject_on_worker_lost`, so a killed worker's task is redelivered;
- retried with exponential backoff on `TransientError` and connection errors;
- arguments must be ids and plain values, never model instances;
- a task whose worker dies more than `max_deliveries` times (say, out of memory on
  a huge slide) fails with PermanentError instead of being redelivered forever.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable

from botocore.exceptions import (
    ClientError,
    ConnectionClosedError,
    ConnectTimeoutError,
    EndpointConnectionError,
    ReadTimeoutError,
)
from celery import Task
from django.db.models import F

from bigpicture import staging
from bigpicture.celery import QUEUES, app
from bigpicture.errors import PermanentError, TransientError
from bigpicture.models import TaskDelivery
from bigpicture.objects import storage_error_transient

_PLAIN_TYPES = (int, str, float, bool, type(None), uuid.UUID)


def _check_plain(value, where: str) -> None:
    if isinstance(value, (list, tuple)):
        for item in value:
            _check_plain(item, where)
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_plain(key, where)
            _check_plain(item, where)
    elif not isinstance(value, _PLAIN_TYPES):
        raise TypeError(
            f"{where}: task arguments must be ids or plain values, got {type(value).__name__}; "
            "pass the primary key instead"
        )


class PortalTask(Task):
    acks_late = True
    reject_on_worker_lost = True
    autoretry_for = (TransientError, ConnectionError, TimeoutError)
    retry_backoff = 2
    retry_backoff_max = 600
    retry_jitter = True
    max_retries = 8
    max_deliveries = 3

    def __call__(self, *args, **kwargs):
        if self.request.id and not self.request.is_eager:
            self._count_delivery()
        return super().__call__(*args, **kwargs)

    def _count_delivery(self) -> None:
        TaskDelivery.objects.get_or_create(task_id=self.request.id, defaults={"task_name": self.name})
        TaskDelivery.objects.filter(task_id=self.request.id).update(deliveries=F("deliveries") + 1)
        deliveries = TaskDelivery.objects.get(task_id=self.request.id).deliveries
        # A retry is a fresh delivery of the same id; only deliveries that died count.
        lost = deliveries - (self.request.retries or 0) - 1
        if lost >= self.max_deliveries:
            raise PermanentError(f"{self.name}[{self.request.id}]: its worker died {lost} times while running it; "
                                 "not delivering it again. Look at the worker logs (memory, crashes).")

    def after_return(self, status, retval, task_id, args, kwargs, einfo) -> None:
        if status in ("SUCCESS", "FAILURE"):
            TaskDelivery.objects.filter(task_id=task_id).delete()

    def dispatch(self, *args, **kwargs) -> None:
        """Send the task once the current transaction commits (at once outside one), and after the
        storage moves of its staged objects, which the task may read."""
        _check_plain(args, self.name)
        _check_plain(kwargs, self.name)
        args = tuple(str(a) if isinstance(a, uuid.UUID) else a for a in args)
        staging.after_storage(lambda: self.apply_async(args=args, kwargs=kwargs))


_ROUTES: dict[str, dict[str, str]] = {}


def route_task(name, args, kwargs, options, task=None, **extra):
    """Celery router: each portal task goes to the queue it was declared with."""
    route = _ROUTES.get(name)
    return dict(route) if route else None


app.conf.task_routes = (route_task,)


_UNREACHABLE = (EndpointConnectionError, ConnectionClosedError, ConnectTimeoutError, ReadTimeoutError)


def _storage_errors_classified(function: Callable) -> Callable:
    """S3's 5xx and throttling answers become TransientError (retried with backoff); others stay as they are."""

    @functools.wraps(function)
    def run(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        except ClientError as error:
            if storage_error_transient(error):
                raise TransientError(f"storage is unavailable for now: {error}") from error
            raise
        except _UNREACHABLE as error:
            raise TransientError(f"storage is unreachable for now: {error}") from error

    return run


def portal_task(*, queue: str = "default", **options) -> Callable:
    """Declare a task on one of the named queues with the portal's guarantees."""
    if queue not in QUEUES:
        raise ValueError(f"unknown queue {queue!r}; expected one of {QUEUES}")

    def register(function: Callable) -> PortalTask:
        task = app.task(base=PortalTask, **options)(_storage_errors_classified(function))
        _ROUTES[task.name] = {"queue": queue}
        return task

    return register


@portal_task(queue="default")
def storage_sweep() -> dict[str, int]:
    """Complete interrupted storage moves and delete abandoned staged objects (hourly on beat)."""
    result = staging.storage_sweep()
    return {"moved": result.moved, "failed": result.failed, "removed": result.removed}
