"""Commands lock the application row: two handlers approving at once make one approve event, not two."""

import threading

import pytest
from django.db import connection

from access.applications.commands import CommandRefused
from access.models import Application
from tests.access.applications.conftest import run

pytestmark = [pytest.mark.postgres]


def test_two_approvals_at_once(transactional_db, submitted, handler):
    outcomes, barrier = [], threading.Barrier(2)

    def approve():
        barrier.wait()
        try:
            run(Application.objects.get(pk=submitted.pk), "approve", handler)
            outcomes.append("done")
        except CommandRefused:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=approve) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["done", "refused"]
    assert submitted.events.filter(type="approve").count() == 1
    assert list(submitted.events.values_list("seq", flat=True)) == [1, 2, 3, 4]
