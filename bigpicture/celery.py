"""The Celery application: named queues, late acks, and the portal task base."""

from __future__ import annotations

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bigpicture.settings")

from celery import Celery  # noqa: E402
from django.conf import settings  # noqa: E402
from kombu import Queue  # noqa: E402
from kombu.transport import TRANSPORT_ALIASES  # noqa: E402

from bigpicture.startup import run_or_explain  # noqa: E402

QUEUES = ("default", "ingest", "convert", "scan", "ai")
# filesystem:// message files appear whole (see bigpicture.broker).
TRANSPORT_ALIASES["filesystem"] = "bigpicture.broker:Transport"

app = Celery("bigpicture")
app.config_from_object("django.conf:settings", namespace="CELERY")


def _configure(settings) -> None:
    visibility_timeout = settings.CELERY_BROKER_VISIBILITY_TIMEOUT
    # A task whose worker died is redelivered after visibility_timeout; sweep for
    # such tasks often enough that the timeout, not the sweep, sets the delay.
    transport_options = {
        "visibility_timeout": visibility_timeout,
        "unacked_restore_interval": max(1, min(60, visibility_timeout // 2)),
        "unacked_restore_throttle": 1,
    }
    if settings.CELERY_BROKER_URL.startswith("filesystem"):
        queue_dir = settings.CELERY_BROKER_DIR
        for sub in ("queue", "processed", "control"):
            (queue_dir / sub).mkdir(parents=True, exist_ok=True)
        transport_options.update(
            data_folder_in=str(queue_dir / "queue"),
            data_folder_out=str(queue_dir / "queue"),
            processed_folder=str(queue_dir / "processed"),
            control_folder=str(queue_dir / "control"),
            store_processed=False,
            # The default of 1 s makes every task wait up to a second for pickup.
            polling_interval=0.1,
        )
    if settings.CELERY_RESULT_BACKEND.startswith("file://"):
        os.makedirs(settings.CELERY_RESULT_BACKEND.removeprefix("file://"), exist_ok=True)
    app.conf.update(
        broker_transport_options=transport_options,
        broker_connection_retry_on_startup=True,
        task_queues=[Queue(name) for name in QUEUES],
        task_default_queue="default",
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        task_acks_on_failure_or_timeout=True,
        worker_prefetch_multiplier=1,
        task_serializer="json",
        result_serializer="json",
        accept_content=["json"],
        result_expires=3600,
        worker_hijack_root_logger=False,
        beat_schedule={
            "verify-audit-chain": {
                "task": "governance.tasks.audit_chain_verify",
                "schedule": 3600.0,
            },
            "sweep-staged-storage": {
                "task": "bigpicture.tasks.storage_sweep",
                "schedule": 3600.0,
            },
            "deliver-outbox-mail": {
                "task": "bigpicture.outbox.outbox_deliver",
                "schedule": 60.0,
            },
            "sweep-rejected-inbox": {
                "task": "ingestion.tasks.review.rejected_inbox_sweep",
                "schedule": 3600.0,
            },
            "sweep-published-inbox": {
                "task": "ingestion.tasks.review.archived_inbox_sweep",
                "schedule": 3600.0,
            },
            "requeue-stuck-pipeline-steps": {
                "task": "ingestion.tasks.pipeline.pipeline_requeue_stuck",
                "schedule": 600.0,
            },
            "expire-unfinished-uploads": {
                "task": "ingestion.tasks.uploads.uploads_expire",
                "schedule": 3600.0,
            },
            # access: groups
            "groups-memberships-expire": {
                "task": "access.tasks.groups.memberships_expire",
                "schedule": 3600.0,
            },

            # access: applications

            # access: entitlements and visas

        },
    )


run_or_explain(lambda: _configure(settings))
app.autodiscover_tasks()


def queues_purge() -> None:
    """Drop every message waiting on the portal's queues (tests and benchmarks, after their workers stop)."""
    with app.connection_for_write() as conn:
        for queue in QUEUES:
            try:
                conn.default_channel.queue_purge(queue)
            except Exception:  # the queue may not exist yet on this broker
                pass
