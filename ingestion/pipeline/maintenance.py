"""Stuck work: which steps are stuck, and re-queueing them (the beat task and `pipeline_status`)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from ingestion.models import PipelineStep
from ingestion.pipeline.steps import ACTIVE_STEP_STATES


def stuck_steps(*, minutes: int | None = None):
    """Steps queued, running or retrying for longer than `minutes` (PIPELINE_STUCK_MINUTES)."""
    minutes = settings.PIPELINE_STUCK_MINUTES if minutes is None else minutes
    before = timezone.now() - timedelta(minutes=minutes)
    since = Q(state="running", started_at__lt=before) | (~Q(state="running") & Q(queued_at__lt=before))
    return (PipelineStep.objects.filter(since, state__in=sorted(ACTIVE_STEP_STATES))
            .select_related("file__submission", "job__submission").order_by("queued_at"))


def stuck_requeue(*, minutes: int | None = None) -> int:
    """Queue each stuck step again; a run still going on then commits nothing (it is superseded)."""
    from ingestion.pipeline.flow import step_queue

    count = 0
    for step_id in stuck_steps(minutes=minutes).values_list("pk", flat=True):
        with transaction.atomic():
            step = PipelineStep.objects.select_for_update().get(pk=step_id)
            if step.state not in ACTIVE_STEP_STATES:
                continue
            since = step.started_at if step.state == "running" else step.queued_at
            # A new attempt number makes the old run's result stale.
            step.attempts += 1
            step_queue(step, message=f"re-queued: {step.get_state_display().lower()} since {since:%Y-%m-%d %H:%M} "
                                     "UTC with no result")
            count += 1
    return count


def pipeline_counts() -> dict[str, dict[str, int]]:
    """{step name: {state: count}} over all steps."""
    counts: dict[str, dict[str, int]] = {}
    for row in PipelineStep.objects.values("name", "state").annotate(n=Count("id")).order_by():
        counts.setdefault(row["name"], {})[row["state"]] = row["n"]
    return counts
